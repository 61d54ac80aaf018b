import CLibPQ

extension PostgresConnection {
    /// Runs `body` in a transaction: BEGIN, the body, COMMIT; returns what the body returned.
    ///
    /// If the body throws, the transaction is rolled back and the body's error rethrown, so a
    /// failed statement inside leaves nothing behind. A body that catches a failed statement's
    /// error and returns normally does not commit either: the server has already aborted the
    /// transaction, COMMIT rolls it back, and that is reported as a `.transaction` error.
    ///
    /// Transactions do not nest: calling this while one is open on the connection (from `body`,
    /// or after a BEGIN of your own) is a `.transaction` error.
    @discardableResult
    public func transaction<R>(_ body: () throws -> R) throws -> R {
        if transactionStatus == PQTRANS_INTRANS || transactionStatus == PQTRANS_INERROR {
            throw PostgresError(
                kind: .transaction,
                message: "a transaction is already open on this connection, and transactions do not nest",
                function: "PQtransactionStatus")
        }
        try execute("BEGIN", [], failing: .transaction)
        let value: R
        do {
            value = try body()
        } catch {
            // If ROLLBACK fails too, the connection is almost certainly gone, and the server
            // discards an open transaction with its connection. The body's error says what
            // went wrong first, so that is the one reported.
            _ = try? execute("ROLLBACK", [], failing: .transaction)
            throw error
        }
        let commit = try execute("COMMIT", [], failing: .transaction)
        guard commit.commandTag == "COMMIT" else {
            throw PostgresError(
                kind: .transaction,
                message: "COMMIT rolled the transaction back because a statement in it had failed",
                function: "PQexecParams")
        }
        return value
    }
}
