/** The probe under another entry: a second function whose code imports the same modules. */
export { handler } from './probe.ts';
