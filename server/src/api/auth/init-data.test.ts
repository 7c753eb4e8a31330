import { afterEach, describe, expect, it, vi } from 'vitest';
import { InitDataVerifier } from './init-data.ts';

const verifier = new InitDataVerifier('5000000000:unit-test-token-abcdefghijklmnop');
const ann = { id: 42, firstName: 'Ann', lastName: 'Lee', username: 'ann_lee', languageCode: 'en' };

describe('InitDataVerifier', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('accepts init data signed with our bot token and returns who it is', () => {
    const result = verifier.verify(`tma ${verifier.sign(ann)}`);
    expect(result).toMatchObject({ ok: true, identity: ann });
  });

  it('refuses a missing or malformed header', () => {
    expect(verifier.verify(undefined)).toMatchObject({ ok: false, code: 'AUTH_MISSING' });
    expect(verifier.verify('Bearer abc')).toMatchObject({ ok: false, code: 'AUTH_MISSING' });
    expect(verifier.verify('tma ')).toMatchObject({ ok: false, code: 'AUTH_MISSING' });
  });

  it('refuses data signed by another bot, or edited after signing', () => {
    const other = new InitDataVerifier('5000000001:another-bot-token-abcdefghijklmnop');
    expect(verifier.verify(`tma ${other.sign(ann)}`)).toMatchObject({ ok: false, code: 'AUTH_INVALID', languageHint: 'en' });
    const tampered = verifier.sign(ann).replace('%22id%22%3A42', '%22id%22%3A43');
    expect(verifier.verify(`tma ${tampered}`)).toMatchObject({ ok: false, code: 'AUTH_INVALID' });
    expect(verifier.verify('tma garbage')).toMatchObject({ ok: false, code: 'AUTH_INVALID' });
  });

  it('refuses init data older than 24 hours', () => {
    const old = verifier.sign(ann, new Date(Date.now() - 25 * 3600_000));
    expect(verifier.verify(`tma ${old}`)).toMatchObject({ ok: false, code: 'AUTH_EXPIRED' });
    const recent = verifier.sign(ann, new Date(Date.now() - 23 * 3600_000));
    expect(verifier.verify(`tma ${recent}`)).toMatchObject({ ok: true });
  });

  it('answers init data it verified before from memory, with the same identity', () => {
    const header = `tma ${verifier.sign(ann)}`;
    const first = verifier.verify(header);
    const second = verifier.verify(header);
    expect(second).toMatchObject({ ok: true, identity: ann });
    // The very same object: the second answer came from the cache, not from another parse.
    expect(second.ok && first.ok && second.identity === first.identity).toBe(true);
  });

  it('still refuses remembered init data once it is older than 24 hours', () => {
    const signedAt = Date.now() - 24 * 3600_000 + 60_000;
    const header = `tma ${verifier.sign(ann, new Date(signedAt))}`;
    expect(verifier.verify(header)).toMatchObject({ ok: true });
    vi.useFakeTimers({ toFake: ['Date'], now: signedAt + 24 * 3600_000 + 1_000 });
    expect(verifier.verify(header)).toMatchObject({ ok: false, code: 'AUTH_EXPIRED', languageHint: 'en' });
    expect(verifier.verify(header)).toMatchObject({ ok: false, code: 'AUTH_EXPIRED' });
  });

  it('never lets a remembered signature vouch for edited data', () => {
    const signed = verifier.sign(ann);
    expect(verifier.verify(`tma ${signed}`)).toMatchObject({ ok: true });
    const tampered = signed.replace('%22id%22%3A42', '%22id%22%3A43');
    expect(verifier.verify(`tma ${tampered}`)).toMatchObject({ ok: false, code: 'AUTH_INVALID' });
    expect(verifier.verify(`tma ${tampered}`)).toMatchObject({ ok: false, code: 'AUTH_INVALID' });
  });
});
