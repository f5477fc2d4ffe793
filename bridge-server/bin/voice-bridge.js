#!/usr/bin/env node
'use strict';
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `voice-bridge: needs Node.js 22 or newer (this is ${process.version}); run ". scripts/use-node24.sh" in the repository, or install Node 24\n`,
  );
  process.exit(1);
}
if (process.argv[2] === 'doctor') require('../dist/doctor.js').doctorMain();
else if (process.argv[2] === 'migrate') require('../dist/migrate.js').migrateMain();
else require('../dist/main.js').main();
