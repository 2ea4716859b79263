/**
 * A raw value that breaks a setting's rule. The rule and the offending value are kept apart so that
 * the value of a secret setting is never repeated in an error message or a log line.
 */
export class InvalidValue extends Error {
  constructor(
    readonly rule: string,
    got?: string,
  ) {
    super(got === undefined ? rule : `${rule}, got "${got}"`);
    this.name = 'InvalidValue';
  }
}
