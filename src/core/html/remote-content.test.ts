import { describe, expect, it } from 'vitest';
import { withoutRemoteContent } from './remote-content';

describe('HTML of a mail without remote content', () => {
  it('removes what the browser would fetch, keeps the text, local images and links', () => {
    const html = [
      '<html><head><link rel="stylesheet" href="https://cdn.example/s.css"><base href="http://x.example/">',
      '<meta http-equiv="refresh" content="0;url=http://x.example/"><style>@import url(http://x.example/i.css); p { background: url("http://x.example/bg.png") }</style></head>',
      '<body background="http://x.example/b.png"><p id="jour" style="color: red; background-image: url(http://x.example/p.png)">lundi</p>',
      '<img src="http://tracker.example/pixel.png" alt="pixel"><img alt=logo src=data:image/gif;base64,R0lGOD>',
      '<img srcset="http://x.example/a.png 2x"><img src="cid:part1@mail">',
      '<a href="https://clinique.example/horaires" ping="http://x.example/ping">horaires</a>',
      '<svg><image href="http://x.example/s.png"/><use xlink:href="http://x.example/u.svg#a"/></svg>',
      '<iframe src="http://x.example/f"></iframe><object data="http://x.example/o.swf"></object>',
      '<script>document.title = "ran"</script><form action="http://x.example/f"><input formaction="https://x.example/g"></form></body></html>',
    ].join('');
    const out = withoutRemoteContent(html);
    expect(out).not.toMatch(/x\.example|tracker\.example/);
    expect(out).not.toMatch(/<script|<iframe|<object|<link|<base|<meta/i);
    expect(out).toContain('<p id="jour" style="color: red; background-image: none">lundi</p>');
    expect(out).toContain('src=data:image/gif;base64,R0lGOD');
    expect(out).toContain('src="cid:part1@mail"');
    expect(out).toContain('<a href="https://clinique.example/horaires" >horaires</a>');
    expect(out).toContain('p { background: none }');
  });

  it('leaves a letter without remote content as it is', () => {
    const html = '<p>Bonjour,<br>le bilan est <b>normal</b> &amp; à revoir dans 6 mois.</p><img alt="" src="data:image/png;base64,AAAA">';
    expect(withoutRemoteContent(html)).toBe(html);
  });
});
