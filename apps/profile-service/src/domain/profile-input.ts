import { ValidationError } from '@jwt-msa/http-errors';

export const MAX_DISPLAY_NAME_LENGTH = 100;
// PostgreSQL text cannot hold NUL, and a display name has no use for line breaks or tabs.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** `{displayName}`: trimmed, 1..100 characters. */
export function parseDisplayName(input: unknown): string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('The body must be a JSON object');
  }
  const value = (input as Record<string, unknown>)['displayName'];
  if (value === undefined || value === null) throw new ValidationError('displayName is required');
  if (typeof value !== 'string') throw new ValidationError('displayName must be a string');
  const displayName = value.trim();
  if (displayName === '') throw new ValidationError('displayName must not be empty');
  if ([...displayName].length > MAX_DISPLAY_NAME_LENGTH) {
    throw new ValidationError(`displayName must be at most ${MAX_DISPLAY_NAME_LENGTH} characters`);
  }
  if (CONTROL_CHARACTERS.test(displayName))
    throw new ValidationError('displayName must not contain control characters');
  return displayName;
}
