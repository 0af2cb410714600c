import t from 'tap';
import { editDistance } from '../../language/edit-distance.js';
import { echoNearMiss, echoNumber, echoPortPart } from '../../language/quote.js';

t.equal(editDistance('kitten', 'sitting'), 3);
t.equal(editDistance('', 'abc'), 3);
t.equal(echoNearMiss('Global', ['replicated', 'global'], 'here'), '`Global`', 'a near miss is quoted');
t.equal(echoNearMiss('replicatd', ['replicated', 'global'], 'here'), '`replicatd`');
t.equal(echoNearMiss('hunter2-P4ssw0rd', ['replicated', 'global'], 'here'), 'here', 'anything else is not');
t.equal(echoPortPart('8005-8000'), ' "8005-8000"');
t.equal(echoPortPart('[::1]'), ' "[::1]"');
t.equal(echoPortPart('http'), ' "http"');
t.equal(echoPortPart('hunter2'), '', 'not shaped like a port part');
t.equal(echoPortPart('a'.repeat(9)), '');
t.equal(echoNumber('1400 bytes'), ' to `1400 bytes`');
t.equal(echoNumber('-1'), ' to `-1`');
t.equal(echoNumber('hunter2'), '', 'not a number');
t.equal(echoNumber('sk_live_123'), '');
