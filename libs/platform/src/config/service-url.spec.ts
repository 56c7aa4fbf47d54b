import { z } from 'zod';
import { POSTGRES_URL_SCHEMES, REDIS_URL_SCHEMES, serviceUrl, urlProblem } from './service-url.js';

describe('store URLs', () => {
  it('take URLs with one of the schemes, as a client parses them', () => {
    expect(urlProblem('postgres://u:pw@db.internal:5432/iot', POSTGRES_URL_SCHEMES)).toBeUndefined();
    expect(urlProblem('postgresql:///iot?host=/var/run/postgresql', POSTGRES_URL_SCHEMES)).toBeUndefined();
    expect(urlProblem('rediss://:pw@cache:6380/2', REDIS_URL_SCHEMES)).toBeUndefined();
  });

  it('refuse another scheme, and a URL that does not parse, without repeating it', () => {
    expect(urlProblem('mysql://db/iot', POSTGRES_URL_SCHEMES)).toBe('must be a postgres:// URL');
    for (const url of [
      'redis://:secretpw@h:notaport',
      'redis://:secretpw@h:99999',
      'redis://:secretpw@[::1',
    ]) {
      const problem = urlProblem(url, REDIS_URL_SCHEMES);
      expect(problem).toMatch(/^must be a redis:\/\/ URL, and this one cannot be parsed/);
      expect(problem).not.toContain('secretpw');
    }
    expect(z.object({ REDIS_URL: serviceUrl(REDIS_URL_SCHEMES) }).safeParse({ REDIS_URL: 'x' }).success).toBe(
      false,
    );
  });
});
