#!/usr/bin/env node
// Entry point of the command-line tool; the bundle is built by `npm run build` (npm ci runs it through `prepare`).
require('../dist/cli.js');
