/** A user error: the CLI prints its message without a stack and exits with code 2. */
export class UsageError extends Error {}
