// Tests of ExpctlServing land with issue 12.
