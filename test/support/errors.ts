// Asserting the DynamoError a synchronous engine function throws.
import { expect } from "vitest";
import { DynamoError } from "../../src/errors";

/** The ValidationException message `fn` throws (fails the test if it throws anything else or nothing). */
export function validationMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DynamoError);
    expect((error as DynamoError).type).toBe("ValidationException");
    return (error as DynamoError).message;
  }
  throw new Error("expected a ValidationException");
}
