/**
 * The strength check on a password being set (sign-up, admin create, change; reset too): whether it is
 * one people (and so attackers' lists) pick, by zxcvbn's estimate against its common dictionaries
 * (passwords, names, English words, keyboard patterns, dates), with the account's own email, name and
 * username as more words to avoid. The library and its dictionaries are imported on the first check:
 * they cost ~110–150 ms to load, and a function ships them as files of their own (infra/bundling.ts,
 * LAZY_LIBRARIES), so its other requests never read them.
 */
import { PASSWORD_POLICY } from '../domain/password.ts';
import { InvalidInput } from '../errors.ts';
import { onceUnlessRejected } from '../memo.ts';

export const GUESSABLE_PASSWORD =
  'Too easy to guess: avoid common passwords, words with a year or a symbol tacked on, names and keyboard patterns; a few unrelated words together are strong';

/** Whether zxcvbn scores `password` guessable, `userInputs` counted as words an attacker knows. */
export type GuessabilityCheck = (password: string, userInputs: string[]) => boolean;

/** The check, its libraries loaded on the first call (and again on the next, if that failed). Pure: unused, the bundler drops it and its files. */
export const guessabilityCheck = /* @__PURE__ */ onceUnlessRejected(async (): Promise<GuessabilityCheck> => {
  const [{ ZxcvbnFactory }, { adjacencyGraphs, dictionary }] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
  const estimator = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return (password, userInputs) => estimator.check(password, userInputs).score < PASSWORD_POLICY.minScore;
});

/** Refuses a guessable password (a 400 naming `body.password`); `userInputs` are the account's own words (email, name, username). */
export async function assertUnguessable(password: string, userInputs: (string | undefined | null)[], path = 'body.password'): Promise<void> {
  const words = userInputs.flatMap((input) => (input ? input.split(/[@._\s-]+/).filter((word) => word.length > 2) : []));
  const isGuessable = await guessabilityCheck();
  if (isGuessable(password, words)) throw new InvalidInput('Choose a password that is harder to guess.', [{ path, message: GUESSABLE_PASSWORD }]);
}
