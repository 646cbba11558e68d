import { describe, expect, it } from 'vitest';
import { apiUrlOf, LOCAL_URL } from '../src/api-client.js';

describe('apiUrlOf', () => {
  it('takes --url, else ACTIVITY_API_URL, else local mode on PORT, else the default port', () => {
    const env = { ACTIVITY_API_URL: 'https://api.example.com', PORT: '3100' };

    expect(apiUrlOf('http://127.0.0.1:4000', env)).toEqual({ url: 'http://127.0.0.1:4000', from: '--url' });
    expect(apiUrlOf(undefined, env)).toEqual({ url: 'https://api.example.com', from: 'ACTIVITY_API_URL' });
    expect(apiUrlOf(undefined, { PORT: '3100' })).toEqual({ url: 'http://127.0.0.1:3100', from: 'PORT' });
    expect(apiUrlOf(' ', { ACTIVITY_API_URL: ' ', PORT: '' })).toEqual({ url: LOCAL_URL, from: 'default' });
  });
});
