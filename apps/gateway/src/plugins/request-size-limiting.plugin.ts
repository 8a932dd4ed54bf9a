import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { kongRouteOf } from '../gateway-route.context';
import { sendProblem } from '../gateway.problem';

/**
 * Kong's request-size-limiting plugin. A declared Content-Length over the limit is refused before any body is
 * read (417 when the client waits on `Expect: 100-continue`, as Kong does, else 413). A chunked body is read up to
 * the limit and refused as soon as it passes it, so the gateway never holds more than the limit in memory.
 *
 * The proxy hands bodies to the upstream as streams, which Fastify's own bodyLimit does not see; this plugin is
 * the only size guard on proxied routes.
 */
export function registerRequestSizeLimiting(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const binding = kongRouteOf(request)?.plugins.requestSizeLimiting;
    if (!binding) return;
    const declared = request.headers['content-length'];
    if (declared !== undefined && /^\d+$/.test(declared)) {
      if (Number(declared) > binding.config.allowedBytes) {
        const expectsContinue = request.headers.expect?.trim().toLowerCase() === '100-continue';
        // The unread body still sits on the socket; closing it is cheaper than draining megabytes.
        return sendProblem(
          request,
          reply,
          expectsContinue ? 417 : 413,
          tooLarge(binding.config.allowedBytes),
          { connection: 'close' },
        );
      }
      return;
    }
    if (binding.config.requireContentLength && request.headers['transfer-encoding'] !== 'chunked') {
      return sendProblem(request, reply, 411, 'A valid Content-Length header is required');
    }
  });

  app.addHook('preParsing', async (request, reply, payload) => {
    const binding = kongRouteOf(request)?.plugins.requestSizeLimiting;
    if (!binding || request.headers['content-length'] !== undefined) return payload;
    const limit = binding.config.allowedBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buffer.length;
      if (size > limit) {
        // The rest of the body is never read, so the connection cannot serve another request.
        reply.header('connection', 'close');
        throw Object.assign(new Error(tooLarge(limit)), { statusCode: 413 });
      }
      chunks.push(buffer);
    }
    const body = Buffer.concat(chunks);
    // Fastify reads receivedEncodedLength to check the parsed length; the proxy forwards the stream as is.
    return Object.assign(Readable.from([body]), { receivedEncodedLength: body.length });
  });
}

function tooLarge(allowedBytes: number): string {
  return `Request size limit exceeded: the body must not exceed ${allowedBytes} bytes`;
}
