/// Decoding rows (`data.jsonl`) straight from bytes into `DatasetRow`.
public enum DatasetDecoder {
    /// Every row of a `data.jsonl` file, in file order.
    public static func rows(jsonl bytes: [UInt8]) throws(DatasetDecodingError) -> [DatasetRow] {
        var rows: [DatasetRow] = []
        try bytes.withUnsafeBufferPointer { buffer throws(DatasetDecodingError) in
            try JSONLines.forEachLine(in: buffer) { line, number throws(DatasetDecodingError) in
                rows.append(try row(line: line, number: number))
            }
        }
        return rows
    }

    /// One row from the text of line `number`.
    public static func row(line: String, number: Int = 1) throws(DatasetDecodingError) -> DatasetRow {
        try Array(line.utf8).withUnsafeBufferPointer { bytes throws(DatasetDecodingError) in
            try row(line: bytes, number: number)
        }
    }

    static func row(line: UnsafeBufferPointer<UInt8>, number: Int) throws(DatasetDecodingError) -> DatasetRow {
        var reader = JSONByteReader(line)
        do throws(FieldFailure) {
            let row = try reader.readRow()
            try reader.expectEnd()
            return row
        } catch {
            throw error.at(line: number)
        }
    }
}

extension JSONByteReader {
    mutating func readRow() throws(FieldFailure) -> DatasetRow {
        var rowID: String?
        var split: DatasetSplit?
        var input: PlanningInput?
        var target: PlanTarget?
        var metadata: RowMetadata?
        try readObject { reader, key throws(FieldFailure) in
            if key == "row_id" {
                rowID = try reader.readString()
            } else if key == "split" {
                split = try reader.readKeyword(Keywords.split)
            } else if key == "input" {
                input = try reader.readInput()
            } else if key == "target" {
                target = try reader.readTarget()
            } else if key == "metadata" {
                metadata = try reader.readMetadata()
            } else {
                try reader.skipValue()
            }
        }
        guard let rowID else { throw .missing("row_id") }
        guard let split else { throw .missing("split") }
        guard let input else { throw .missing("input") }
        guard let target else { throw .missing("target") }
        guard let metadata else { throw .missing("metadata") }
        return DatasetRow(rowID: rowID, split: split, input: input, target: target, metadata: metadata)
    }

    private mutating func readInput() throws(FieldFailure) -> PlanningInput {
        var household: Household?
        var pantry: [PantryItem]?
        var constraints: PlanConstraints?
        var workflowType: WorkflowType?
        var mode: PlanningMode?
        var previousPlan: WeeklyPlan?
        try readObject { reader, key throws(FieldFailure) in
            if key == "household" {
                household = try reader.readHousehold()
            } else if key == "pantry" {
                pantry = try reader.readPantry()
            } else if key == "constraints" {
                constraints = try reader.readConstraints()
            } else if key == "workflow_type" {
                workflowType = try reader.readKeyword(Keywords.workflow)
            } else if key == "mode" {
                mode = reader.readNull() ? nil : try reader.readKeyword(Keywords.mode)
            } else if key == "previous_plan" {
                previousPlan = reader.readNull() ? nil : try reader.readPlan()
            } else {
                try reader.skipValue()
            }
        }
        guard let household else { throw .missing("household") }
        guard let pantry else { throw .missing("pantry") }
        guard let constraints else { throw .missing("constraints") }
        guard let workflowType else { throw .missing("workflow_type") }
        return PlanningInput(
            household: household, pantry: pantry, constraints: constraints, workflowType: workflowType, mode: mode,
            previousPlan: previousPlan)
    }

    private mutating func readHousehold() throws(FieldFailure) -> Household {
        var id: String?
        var size: Int?
        var region: String?
        var preferences: [String] = []
        var restrictions: [String] = []
        try readObject { reader, key throws(FieldFailure) in
            if key == "id" {
                id = try reader.readString()
            } else if key == "size" {
                let value = try reader.readInteger()
                guard value >= 1 else { throw FieldFailure("a household has at least 1 person, not \(value)") }
                size = value
            } else if key == "region" {
                region = try reader.readString()
            } else if key == "preferences" {
                preferences = try reader.readStringArray()
            } else if key == "restrictions" {
                restrictions = try reader.readStringArray()
            } else {
                try reader.skipValue()
            }
        }
        guard let id else { throw .missing("id") }
        guard let size else { throw .missing("size") }
        guard let region else { throw .missing("region") }
        return Household(id: id, size: size, region: region, preferences: preferences, restrictions: restrictions)
    }

    private mutating func readPantry() throws(FieldFailure) -> [PantryItem] {
        var items: [PantryItem]?
        try readObject { reader, key throws(FieldFailure) in
            guard key == "items" else { return try reader.skipValue() }
            var list: [PantryItem] = []
            list.reserveCapacity(16)
            try reader.readArray { reader, _ throws(FieldFailure) in list.append(try reader.readPantryItem()) }
            items = list
        }
        guard let items else { throw .missing("items") }
        return items
    }

    private mutating func readPantryItem() throws(FieldFailure) -> PantryItem {
        var name: String?
        var quantity: Double?
        var unit: String?
        try readObject { reader, key throws(FieldFailure) in
            if key == "name" {
                name = try reader.readString()
            } else if key == "quantity" {
                quantity = try reader.readDouble()
            } else if key == "unit" {
                unit = try reader.readString()
            } else {
                try reader.skipValue()
            }
        }
        guard let name else { throw .missing("name") }
        guard let quantity else { throw .missing("quantity") }
        guard let unit else { throw .missing("unit") }
        return PantryItem(name: name, quantity: quantity, unit: unit)
    }

    private mutating func readConstraints() throws(FieldFailure) -> PlanConstraints {
        var budget: Double?
        var maxPrepTime: Int?
        var excluded: [String] = []
        try readObject { reader, key throws(FieldFailure) in
            if key == "budget" {
                let value = try reader.readDouble()
                guard value >= 0 else { throw FieldFailure("a budget cannot be negative (\(value))") }
                budget = value
            } else if key == "max_prep_time" {
                let value = try reader.readInteger()
                guard value >= 0 else { throw FieldFailure("a prep time cannot be negative (\(value))") }
                maxPrepTime = value
            } else if key == "excluded_ingredients" {
                excluded = try reader.readStringArray()
            } else {
                try reader.skipValue()
            }
        }
        guard let budget else { throw .missing("budget") }
        guard let maxPrepTime else { throw .missing("max_prep_time") }
        return PlanConstraints(budget: budget, maxPrepTime: maxPrepTime, excludedIngredients: excluded)
    }

    private mutating func readTarget() throws(FieldFailure) -> PlanTarget {
        var plan: WeeklyPlan?
        var edits: [UserEdit] = []
        try readObject { reader, key throws(FieldFailure) in
            if key == "accepted_plan" {
                plan = try reader.readPlan()
            } else if key == "user_edits" {
                if reader.readNull() { return }
                edits.reserveCapacity(8)
                try reader.readArray { reader, _ throws(FieldFailure) in edits.append(try reader.readEdit()) }
            } else {
                try reader.skipValue()
            }
        }
        guard let plan else { throw .missing("accepted_plan") }
        return PlanTarget(acceptedPlan: plan, userEdits: edits)
    }

    private mutating func readMetadata() throws(FieldFailure) -> RowMetadata {
        var timestamp: String?
        var policyVersionID: String?
        var region: String?
        var householdSize: Int?
        try readObject { reader, key throws(FieldFailure) in
            if key == "timestamp" {
                timestamp = try reader.readString()
            } else if key == "policy_version_id" {
                policyVersionID = reader.readNull() ? nil : try reader.readString()
            } else if key == "region" {
                region = try reader.readString()
            } else if key == "household_size" {
                householdSize = try reader.readInteger()
            } else {
                try reader.skipValue()
            }
        }
        guard let timestamp else { throw .missing("timestamp") }
        guard let region else { throw .missing("region") }
        guard let householdSize else { throw .missing("household_size") }
        return RowMetadata(
            timestamp: timestamp, policyVersionID: policyVersionID, region: region, householdSize: householdSize)
    }
}
