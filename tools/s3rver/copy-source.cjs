// Loaded with `node --require` in front of s3rver by every launcher (the tests, the AppHost,
// bench/). The AWS SDK for .NET sends CopyObject's x-amz-copy-source as one URL-encoded string,
// "bucket%2Fkey", which S3 accepts; s3rver 3.7 decodes it with decodeURI, which leaves %2F
// encoded, and then finds no bucket of that name. Turning the encoded slashes back into slashes
// before s3rver reads the header makes it parse bucket and key as S3 does. Image keys carry no
// other escapes.
'use strict';
const http = require('node:http');

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, request, ...rest) {
  if (event === 'request' && typeof request.headers['x-amz-copy-source'] === 'string') {
    request.headers['x-amz-copy-source'] = request.headers['x-amz-copy-source'].replace(/%2F/gi, '/');
  }
  return emit.call(this, event, request, ...rest);
};
