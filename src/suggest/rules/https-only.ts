import { fold } from '../patterns.js';
import type { Rule } from '../rule.js';

/** "HTTPS only" -> plain HTTP redirects to HTTPS; "TLS certificate" -> `tls` on port 443. */
const rule: Rule = {
  name: 'https-only',
  summary:
    'HTTPS only -> `http` that plain HTTP redirects to https://; TLS/SSL certificate -> `tls` on `${HOST}:443`',
  match(item) {
    const text = fold(item.title);
    if (/https[ -]only|only https|force https|redirect .*https|yalnizca https|sadece https/.test(text)) {
      return {
        check: {
          http: 'http://${HOST}/',
          expect: ['status >= 300 && status < 400', 'location.startsWith("https://")'],
        },
        matched: 'HTTPS only',
      };
    }
    if (/\b(tls|ssl) (certificate|cert|sertifika)|\bcertificate\b|\bsertifika/.test(text)) {
      return {
        check: { tls: '${HOST}:443', expect: ['valid', 'days_left > 14'] },
        matched: 'TLS certificate',
      };
    }
    return undefined;
  },
};

export default rule;
