import Mocha from 'mocha';

/**
 * The suite's one mocha instance. Test files are bundled into dist/test/exthost.js with mocha itself, so they
 * register on this instance through the BDD globals that `pre-require` installs, instead of mocha loading files.
 */
export const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
// `color: false` does not reach the pass and fail marks, which the log-symbols package colours itself when it
// detects CI=true, so the driver's log would show escape codes.
Mocha.reporters.Base.symbols.ok = '✔';
Mocha.reporters.Base.symbols.err = '✖';
mocha.suite.emit('pre-require', globalThis, 'exthost-bundle', mocha);
