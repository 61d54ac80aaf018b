// Tests of ExpctlService land with issue 12.
