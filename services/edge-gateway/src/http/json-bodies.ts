import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { BodyRefusedError } from './http-error.js';

/** The charset a Content-Type names (`application/json; charset=latin1` → latin1), lower-cased. */
const charsetOf = (contentType: string | undefined) =>
  /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();

/**
 * JSON bodies as RFC 8259 has them: UTF-8, not compressed. Fastify's own parser decodes whatever it
 * is sent as UTF-8, so a Latin-1 name was stored with U+FFFD in it; here a body in another charset or
 * with a Content-Encoding is a 415, and bytes that are not UTF-8 a 400. The JSON itself is still read
 * by Fastify's parser, with its defaults: a `__proto__` key is refused, and named as the reason.
 */
export function acceptUtf8JsonOnly(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'ignore');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      return done(
        new BodyRefusedError(415, 'HTTP.UNSUPPORTED_ENCODING', 'send the JSON body uncompressed'),
        undefined,
      );
    }
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return done(
        new BodyRefusedError(415, 'HTTP.UNSUPPORTED_CHARSET', 'send the JSON body in UTF-8'),
        undefined,
      );
    }
    if (!isUtf8(body as Buffer)) {
      return done(new BodyRefusedError(400, 'HTTP.NOT_UTF8', 'the body is not valid UTF-8'), undefined);
    }
    const text = (body as Buffer).toString('utf8');
    // No body at all, only its Content-Type (as HTTP clients send on a DELETE): the same as no body,
    // so a route that reads none takes it and one that needs one says what is missing.
    if (text === '') return done(null, undefined);
    void parseJson(request, text, (error, parsed) => {
      // The parser says only "invalid JSON"; JSON that parses after all was refused for its __proto__ key.
      if (error && isJson(text)) {
        return done(
          new BodyRefusedError(
            400,
            'HTTP.FORBIDDEN_KEY',
            'the key "__proto__" is not accepted in a JSON body',
          ),
          undefined,
        );
      }
      done(error, parsed);
    });
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
