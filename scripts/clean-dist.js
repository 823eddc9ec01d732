// Empties dist/ before a build, so that files of modules since removed are not published.
'use strict';
require('node:fs').rmSync(require('node:path').join(__dirname, '..', 'dist'), { recursive: true, force: true });
