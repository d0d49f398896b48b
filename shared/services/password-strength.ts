/** The strength check on a password being set (sign-up, admin create, change; reset too). */
import { guessabilityCheck } from '../domain/password-strength.ts';
import { InvalidInput } from '../errors.ts';

export const GUESSABLE_PASSWORD =
  'Too easy to guess: avoid common passwords, words with a year or a symbol tacked on, names and keyboard patterns; a few unrelated words together are strong';

/** Refuses a guessable password (a 400 naming `body.password`); `userInputs` are the account's own words (email, name, username). */
export async function assertUnguessable(password: string, userInputs: (string | undefined | null)[], path = 'body.password'): Promise<void> {
  const words = userInputs.flatMap((input) => (input ? input.split(/[@._\s-]+/).filter((word) => word.length > 2) : []));
  const isGuessable = await guessabilityCheck();
  if (isGuessable(password, words)) throw new InvalidInput('Choose a password that is harder to guess.', [{ path, message: GUESSABLE_PASSWORD }]);
}
