/** One invalid field of a request: its path, a stable reason code and a human description. */
export interface FieldViolation {
  readonly field: string;
  readonly reason: string;
  readonly description: string;
}
