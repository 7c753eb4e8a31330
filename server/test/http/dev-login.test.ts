import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

describe('development login', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('hands out real signed init data that the API accepts', async () => {
    const response = await fetch(`${server.url}/dev/init-data?userId=555&firstName=Ann&languageCode=en`);
    expect(response.status).toBe(200);
    const initData = await response.text();
    expect(server.initData.verify(`tma ${initData}`)).toMatchObject({
      ok: true,
      identity: { id: 555, firstName: 'Ann', languageCode: 'en' },
    });
    const me = await server.client({ authorization: `tma ${initData}` }).me.get.query();
    expect(me).toMatchObject({ id: 555, firstName: 'Ann', language: 'en' });
  });

  it('explains bad parameters', async () => {
    const response = await fetch(`${server.url}/dev/init-data?userId=-4`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ issues: [expect.stringMatching(/^userId:/)] });
  });

  it('does not exist when dev login is off', async () => {
    const production = await startTestServer({ DEV_LOGIN: '0' });
    try {
      expect((await fetch(`${production.url}/dev/init-data`)).status).toBe(404);
    } finally {
      await production.close();
    }
  });
});
