import { base64UrlToBytes, base64UrlToText, bytesToBase64Url, textToBase64Url } from './base64url';

describe('base64url', () => {
  it('decodes the RFC 7515 example header', () => {
    expect(base64UrlToText('eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9')).toBe('{"typ":"JWT",\r\n "alg":"HS256"}');
  });

  it('uses - and _ instead of + and /, and needs no padding', () => {
    expect(Array.from(base64UrlToBytes('-_8'))).toEqual([0xfb, 0xff]);
    expect(bytesToBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(Array.from(base64UrlToBytes('AQ'))).toEqual([1]);
    expect(Array.from(base64UrlToBytes('AQ=='))).toEqual([1]); // padding tolerated
    expect(base64UrlToBytes('').length).toBe(0);
  });

  it('round-trips UTF-8 text', () => {
    const text = '{"name":"Zoë ☃ 日本"}';
    expect(base64UrlToText(textToBase64Url(text))).toBe(text);
    expect(textToBase64Url(text)).not.toMatch(/[+/=]/);
  });

  it('refuses characters outside the alphabet and impossible lengths', () => {
    expect(() => base64UrlToBytes('ab+c')).toThrow(/alphabet/);
    expect(() => base64UrlToBytes('ab/c')).toThrow(/alphabet/);
    expect(() => base64UrlToBytes('ab c')).toThrow(/alphabet/);
    expect(() => base64UrlToBytes('abcde')).toThrow(/length/);
  });

  it('refuses bytes that are not UTF-8 when text is expected', () => {
    expect(() => base64UrlToText(bytesToBase64Url(new Uint8Array([0xff, 0xfe])))).toThrow(/UTF-8/);
  });
});
