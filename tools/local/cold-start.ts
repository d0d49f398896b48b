/**
 * How long a cold start may take here. Lambda gives init 10 s of a CPU of its own; here instances
 * share this machine's cores (ten cold starts at once on two busy cores take longer than that), so the
 * limit only catches a hung import.
 */
export const INIT_LIMIT_MS = 60_000;

/**
 * How long a test waits for what a request brings about (a page's answer, a state to poll): the
 * request may wait out its function's init, as a first call waits for it on Lambda, then run.
 */
export const REQUEST_WAIT_MS = INIT_LIMIT_MS + 30_000;
