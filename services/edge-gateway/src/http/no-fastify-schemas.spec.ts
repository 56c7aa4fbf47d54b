import Fastify from 'fastify';
import { NO_FASTIFY_SCHEMAS } from './no-fastify-schemas.js';

const server = () => Fastify({ schemaController: NO_FASTIFY_SCHEMAS });

describe("the gateway's Fastify schema compilers", () => {
  it('serve routes without schemas as Fastify would', async () => {
    const app = server();
    app.post('/echo', (request) => ({ got: request.body }));
    const answer = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ got: { a: 1 } });
    await app.close();
  });

  it('stop the start of a route with a validation schema, naming the route', async () => {
    const app = server();
    app.post('/typed', { schema: { body: { type: 'object' } } }, () => ({}));
    await expect(app.ready()).rejects.toThrow(/POST \/typed has a Fastify validation schema/);
  });

  it('stop the start of a route with a response schema, naming the route', async () => {
    const app = server();
    app.get('/typed', { schema: { response: { 200: { type: 'object' } } } }, () => ({}));
    await expect(app.ready()).rejects.toThrow(/GET \/typed has a Fastify response schema/);
  });
});
