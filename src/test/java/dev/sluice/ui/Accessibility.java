package dev.sluice.ui;

import com.microsoft.playwright.Page;
import java.util.List;

/**
 * Accessibility checks run in the page: every form control has a label, every button a name, the page
 * does not scroll sideways, and text has readable contrast (WCAG AA: 4.5:1, 3:1 for large text). Each
 * returns what it found wrong, as sentences naming the element; empty is good.
 */
final class Accessibility {
    private Accessibility() {}

    @SuppressWarnings("unchecked")
    static List<String> unlabelled(Page page) {
        return (List<String>) page.evaluate("""
                () => {
                  const name = el => el.tagName.toLowerCase() + (el.name ? '[name=' + el.name + ']' : '')
                    + (el.id ? '#' + el.id : '') + (el.type ? '[type=' + el.type + ']' : '');
                  const out = [];
                  for (const el of document.querySelectorAll('input, select, textarea')) {
                    if (el.type === 'hidden') continue;
                    const labelled = (el.labels && [...el.labels].some(l => l.textContent.trim()))
                      || (el.getAttribute('aria-label') || '').trim()
                      || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some(id => id && document.getElementById(id)?.textContent.trim());
                    if (!labelled) out.push('control without a label: ' + name(el));
                  }
                  for (const b of document.querySelectorAll('button, a[href], [role=button]')) {
                    const text = (b.textContent || '').trim() || (b.getAttribute('aria-label') || '').trim() || (b.title || '').trim();
                    if (!text) out.push('unnamed ' + b.tagName.toLowerCase() + ': ' + b.outerHTML.slice(0, 80));
                  }
                  return out;
                }""");
    }

    /**
     * Why the page scrolls sideways beyond the viewport, or null when it fits (wide tables scroll in their own
     * box): by how much, and the innermost elements sticking out.
     */
    static String overflow(Page page) {
        return (String) page.evaluate("""
                () => {
                  const extra = document.documentElement.scrollWidth - window.innerWidth;
                  if (extra <= 0) return null;
                  const out = [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                      && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
                    .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className + ' "' + (e.textContent || '').trim().slice(0, 30) + '"');
                  return 'the page scrolls sideways by ' + extra + ' px: ' + out.join(', ');
                }""");
    }

    @SuppressWarnings("unchecked")
    static List<String> lowContrast(Page page) {
        return (List<String>) page.evaluate("""
                () => {
                  const rgba = s => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
                    const p = m[1].split(',').map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
                  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
                  const background = el => {
                    for (let e = el; e; e = e.parentElement) {
                      const c = rgba(getComputedStyle(e).backgroundColor);
                      if (c && c[3] > 0.5) return c;
                    }
                    return [255, 255, 255, 1];
                  };
                  const out = [];
                  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                  const seen = new Set();
                  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                    const el = n.parentElement;
                    if (!el || seen.has(el) || !n.textContent.trim()) continue;
                    seen.add(el);
                    const style = getComputedStyle(el);
                    const box = el.getBoundingClientRect();
                    if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.right < 0) continue;
                    if (el.closest('svg, option')) continue;
                    const fg = rgba(style.color), bg = background(el);
                    if (!fg) continue;
                    const mixed = [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
                    const [a, b] = [lum(mixed), lum(bg)];
                    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
                    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
                    if (ratio < need) out.push(ratio.toFixed(2) + ':1 for "' + n.textContent.trim().slice(0, 40) + '" ('
                      + el.tagName.toLowerCase() + '.' + el.className + ')');
                  }
                  return out;
                }""");
    }
}
