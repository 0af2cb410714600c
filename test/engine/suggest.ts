// "Did you mean": the known words close to an unknown one, nearest first.
import t from 'tap';
import { didYouMean, suggest } from '../../engine/suggest.js';

const FORMATS = ['github', 'gitlab', 'html', 'json', 'prometheus', 'sarif', 'stylish'];

t.same(suggest('sarf', FORMATS), ['sarif'], 'a letter missing');
t.same(suggest('jsno', FORMATS), ['json'], 'two letters swapped');
t.same(suggest('xml', FORMATS), [], 'a short word two edits away is no typo');
t.same(suggest('gitlub', FORMATS), ['github', 'gitlab'], 'equally near: in order');
t.same(suggest('merg', ['mergers', 'merge']), ['merge', 'mergers'], 'nearest first');
t.same(suggest('STYLISH', FORMATS), ['stylish'], 'case does not matter');
t.same(suggest('max', ['max-warnings', 'merge', 'fix']), ['max-warnings'], 'the start of an option');
t.same(suggest('dnsrr-ingres-port', ['dnsrr-ingress-port', 'overlay-mtu']), ['dnsrr-ingress-port']);
t.equal(didYouMean('lnit', ['lint', 'audit']), ' (did you mean "lint"?)');
t.equal(
  didYouMean('nodez', ['nodes'], (k) => `\`${k}\``),
  ' (did you mean `nodes`?)',
);
t.equal(didYouMean('zzz', ['lint']), '');
t.equal(suggest('a', ['b', 'c', 'd', 'e']).length, 3, 'at most three');
