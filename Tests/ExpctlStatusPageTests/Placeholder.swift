// Tests of ExpctlStatusPage land with issue 12.
