// Harness functions for this area are added by its owner; see src/harness/main.ts.
export {}
