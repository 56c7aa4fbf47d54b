import { shownWebhookUrl } from './shown-webhook-url.js';

describe('shownWebhookUrl', () => {
  it.each([
    ['the default webhook', '', ''],
    [
      'a token in the path',
      'https://hooks.slack.com/services/T000/B000/XXXXXXXX',
      'https://hooks.slack.com/…',
    ],
    ['a token in the query', 'http://127.0.0.1:8080/hook?token=SECRET', 'http://127.0.0.1:8080/…'],
    ['a token after #', 'https://hooks.example.com/#SECRET', 'https://hooks.example.com/…'],
    ['user-info', 'https://user:SECRET@hooks.example.com/', 'https://hooks.example.com/'],
    ['nothing after the host', 'https://hooks.example.com', 'https://hooks.example.com/'],
    ['the default port', 'https://hooks.example.com:443/x', 'https://hooks.example.com/…'],
  ])('shows %s as scheme, host and port only', (_case, url, shown) => {
    expect(shownWebhookUrl(url)).toBe(shown);
  });
});
