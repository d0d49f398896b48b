/** Module state of the fixture functions: what two functions would share if they shared modules. */
export const state = { invocations: 0, running: 0, mostRunning: 0 };
