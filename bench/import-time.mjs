// Load-and-init time of one bundle in a fresh Node process: what Lambda's INIT phase does.
const started = performance.now();
await import(process.argv[2]);
process.stdout.write(String(performance.now() - started));
