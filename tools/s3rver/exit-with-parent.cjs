// Loaded with `node --require` in front of s3rver by the test fixture (SocialMedia.Tests/
// Infrastructure/S3rverServer.cs). The test host stops s3rver from a ProcessExit handler, but the
// test runner may end the host before that handler runs, which left one s3rver per test run
// behind. So s3rver also watches the process that started it, and when that is gone it exits and
// removes its data folder.
'use strict';
const fs = require('node:fs');

const parent = Number(process.env.S3RVER_PARENT_PID);
const directory = process.env.S3RVER_REMOVE_ON_EXIT;
if (parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0); // signal 0: only asks whether the process exists
    } catch {
      if (directory) fs.rmSync(directory, { recursive: true, force: true });
      process.exit(0);
    }
  }, 500).unref();
}
