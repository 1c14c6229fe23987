// `sterilink watch`: the live terminal view lives in gateway/watch/; this is the verb's entry.
export { watchCommand } from '../watch/watch-command.js';
