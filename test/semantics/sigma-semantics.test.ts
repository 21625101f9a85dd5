import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { evaluate, type Row } from './harness.js';

// DESIGN §3 as one table: each row is evaluated through the index, by brute force and through the field view's
// fallback path; all three must give the expected answer. Error rows must be refused at load with file:line:col.

const b64 = (bytes: Buffer | string): string => Buffer.from(bytes).toString('base64');
const wide = (text: string): Buffer => Buffer.from(text, 'utf16le');
const ct = (fields: Record<string, unknown>): Record<string, unknown> => ({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  ...fields,
});

// biome-ignore format: one row per line keeps the table readable
const rows: Row[] = [
  // structure
  { why: 'a map ANDs its items (all true)', detection: { selection: { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' } }, event: ct({}), expected: true },
  { why: 'a map ANDs its items (one false)', detection: { selection: { eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail' } }, event: ct({}), expected: false },
  { why: 'a list of maps ORs the maps', detection: { selection: [{ eventName: 'DeleteTrail' }, { eventName: 'StopLogging' }] }, event: ct({}), expected: true },
  { why: 'a value list ORs the values', detection: { selection: { eventName: ['DeleteTrail', 'StopLogging'] } }, event: ct({}), expected: true },
  { why: 'a long exact list (a Set) still ORs', detection: { selection: { eventName: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'stoplogging'] } }, event: ct({}), expected: true },
  { why: 'all ANDs the values', detection: { selection: { 'userAgent|contains|all': ['aws-cli', 'linux'] } }, event: ct({ userAgent: 'aws-cli/2 Linux' }), expected: true },
  { why: 'all fails when one value is missing', detection: { selection: { 'userAgent|contains|all': ['aws-cli', 'windows'] } }, event: ct({ userAgent: 'aws-cli/2 Linux' }), expected: false },
  { why: 'all with one value is accepted', detection: { selection: { 'userAgent|contains|all': 'cli' } }, event: ct({ userAgent: 'aws-cli' }), expected: true },
  { why: 'all: each value may match a different array element', detection: { selection: { 'tags|all': ['a', 'b'] } }, event: ct({ tags: ['A', 'B'] }), expected: true },
  // case
  { why: 'plain strings compare case-insensitively', detection: { selection: { eventName: 'STOPLOGGING' } }, event: ct({}), expected: true },
  { why: 'cased opts out of case folding', detection: { selection: { 'eventName|cased': 'stoplogging' } }, event: ct({}), expected: false },
  { why: 'cased matches the exact case', detection: { selection: { 'eventName|cased': 'StopLogging' } }, event: ct({}), expected: true },
  { why: 'cased|contains is case-sensitive', detection: { selection: { 'eventName|cased|contains': 'logging' } }, event: ct({}), expected: false },
  { why: 'contains|cased works in either order', detection: { selection: { 'eventName|contains|cased': 'Logging' } }, event: ct({}), expected: true },
  // wildcards and escapes
  { why: 'a plain value is a whole-value match', detection: { selection: { eventName: 'Stop' } }, event: ct({}), expected: false },
  { why: '* at the end is a prefix', detection: { selection: { eventName: 'stop*' } }, event: ct({}), expected: true },
  { why: '* at the start is a suffix', detection: { selection: { eventName: '*logging' } }, event: ct({}), expected: true },
  { why: '* on both sides is a substring', detection: { selection: { eventName: '*plog*' } }, event: ct({}), expected: true },
  { why: '* in the middle', detection: { selection: { eventName: 'st*ng' } }, event: ct({}), expected: true },
  { why: '? is exactly one character', detection: { selection: { eventName: 'stop?ogging' } }, event: ct({}), expected: true },
  { why: '? does not match zero characters', detection: { selection: { eventName: 'stopl?ogging' } }, event: ct({}), expected: false },
  { why: '* matches across newlines', detection: { selection: { message: 'a*b' } }, event: ct({ message: 'a\n\nb' }), expected: true },
  { why: 'escaped \\* is a literal asterisk', detection: { selection: { path: 'a\\*b' } }, event: ct({ path: 'a*b' }), expected: true },
  { why: 'escaped \\* does not act as a wildcard', detection: { selection: { path: 'a\\*b' } }, event: ct({ path: 'axxb' }), expected: false },
  { why: 'C:\\Windows\\* ends in a literal *', detection: { selection: { path: 'C:\\Windows\\*' } }, event: ct({ path: 'C:\\Windows*' }), expected: true },
  { why: '\\\\* is a backslash then a wildcard', detection: { selection: { path: 'a\\\\*b' } }, event: ct({ path: 'a\\xyzb' }), expected: true },
  { why: 'a backslash before another character stays', detection: { selection: { path: 'x\\yz' } }, event: ct({ path: 'x\\yz' }), expected: true },
  { why: 'a trailing backslash stays', detection: { selection: { path: 'ends\\' } }, event: ct({ path: 'ends\\' }), expected: true },
  { why: 'escaped \\? is a literal question mark', detection: { selection: { path: 'a\\?b' } }, event: ct({ path: 'axb' }), expected: false },
  // null, absent, empty
  { why: 'null matches an absent field', detection: { selection: { errorCode: null } }, event: ct({}), expected: true },
  { why: 'null matches a JSON null', detection: { selection: { errorCode: null } }, event: ct({ errorCode: null }), expected: true },
  { why: 'null does not match a value', detection: { selection: { errorCode: null } }, event: ct({ errorCode: 'AccessDenied' }), expected: false },
  { why: "null does not match ''", detection: { selection: { errorCode: null } }, event: ct({ errorCode: '' }), expected: false },
  { why: "'' matches a present empty string", detection: { selection: { errorCode: '' } }, event: ct({ errorCode: '' }), expected: true },
  { why: "'' does not match an absent field", detection: { selection: { errorCode: '' } }, event: ct({}), expected: false },
  { why: "'' does not match null", detection: { selection: { errorCode: '' } }, event: ct({ errorCode: null }), expected: false },
  { why: '[] is null (absent)', detection: 'detection:\n  selection:\n    errorCode: []\n  condition: selection', event: ct({}), expected: true },
  { why: '[null, x] matches the value', detection: { selection: { errorCode: [null, 'Success'] } }, event: ct({ errorCode: 'success' }), expected: true },
  { why: '[null, x] matches absent', detection: { selection: { errorCode: [null, 'Success'] } }, event: ct({}), expected: true },
  { why: 'an absent field makes every comparison false', detection: { selection: { 'errorCode|contains': '' } }, event: ct({}), expected: false },
  { why: 'not over an absent field is true', detection: { selection: { eventName: 'StopLogging' }, filter: { errorCode: 'AccessDenied' } }, condition: 'selection and not filter', event: ct({}), expected: true },
  { why: 'not over a matching field is false', detection: { selection: { eventName: 'StopLogging' }, filter: { errorCode: 'AccessDenied' } }, condition: 'selection and not filter', event: ct({ errorCode: 'AccessDenied' }), expected: false },
  // arrays and paths
  { why: 'any array element may match', detection: { selection: { 'requestParameters.layers|contains': 'evil' } }, event: ct({ requestParameters: { layers: ['ok', 'arn:evil:1'] } }), expected: true },
  { why: 'a path crosses arrays of objects', detection: { selection: { 'resources.ARN|endswith': 'trail/org' } }, event: ct({ resources: [{ ARN: 'x' }, { ARN: 'arn:trail/org' }] }), expected: true },
  { why: 'an empty array has no value to match', detection: { selection: { 'tags|contains': '' } }, event: ct({ tags: [] }), expected: false },
  { why: 'an empty array is not null', detection: { selection: { tags: null } }, event: ct({ tags: [] }), expected: false },
  { why: 'a dotted path reaches nested objects', detection: { selection: { 'userIdentity.sessionContext.sessionIssuer.type': 'Role' } }, event: ct({ userIdentity: { sessionContext: { sessionIssuer: { type: 'Role' } } } }), expected: true },
  { why: 'a literal flat key wins over the path', detection: { selection: { 'a.b': 'flat' } }, event: ct({ 'a.b': 'flat', a: { b: 'nested' } }), expected: true },
  { why: 'a literal flat key wins (nested value not seen)', detection: { selection: { 'a.b': 'nested' } }, event: ct({ 'a.b': 'flat', a: { b: 'nested' } }), expected: false },
  { why: 'a path through a scalar is absent', detection: { selection: { 'a.b': null } }, event: ct({ a: 'scalar' }), expected: true },
  // objects, numbers, booleans as text
  { why: 'contains searches an object as JSON text', detection: { selection: { 'requestParameters|contains': '"enable":false' } }, event: ct({ requestParameters: { enable: false } }), expected: true },
  { why: 'startswith sees the JSON text of an object', detection: { selection: { 'requestParameters|startswith': '{"bucketName"' } }, event: ct({ requestParameters: { bucketName: 'b' } }), expected: true },
  { why: 'contains|all over JSON text with wildcards inside', detection: { selection: { 'requestParameters|contains|all': ['"Effect":"Allow"', '"Principal":*"AWS"'] } }, event: ct({ requestParameters: { Effect: 'Allow', Principal: { AWS: '*' } } }), expected: true },
  { why: 'booleans compare as text', detection: { selection: { 'requestParameters.enable': 'false' } }, event: ct({ requestParameters: { enable: false } }), expected: true },
  { why: 'an unquoted YAML boolean compares as text too', detection: 'detection:\n  selection:\n    requestParameters.enable: false\n  condition: selection', event: ct({ requestParameters: { enable: false } }), expected: true },
  { why: 'YAML 1.1: yes is true', detection: 'detection:\n  selection:\n    readOnly: yes\n  condition: selection', event: ct({ readOnly: true }), expected: true },
  { why: 'numbers compare as text', detection: { selection: { ResultType: 50126 } }, event: ct({ ResultType: '50126' }), expected: true },
  { why: 'a number event value matches a quoted number', detection: { selection: { ResultType: '50126' } }, event: ct({ ResultType: 50126 }), expected: true },
  { why: 'numeric rule scalars keep their source text', detection: 'detection:\n  selection:\n    version: 1.50\n  condition: selection', event: ct({ version: '1.50' }), expected: true },
  { why: 'source text 1.50 is not the number 1.5', detection: 'detection:\n  selection:\n    version: 1.50\n  condition: selection', event: ct({ version: 1.5 }), expected: false },
  { why: 'contains over a number', detection: { selection: { 'port|contains': '23' } }, event: ct({ port: 1234 }), expected: true },
  // keywords
  { why: 'a keyword is a case-insensitive substring of any leaf', detection: { keywords: ['STOPLOG'] }, condition: 'keywords', event: ct({}), expected: true },
  { why: 'a keyword list ORs', detection: { keywords: ['nothing', 'cloudtrail.amazon'] }, condition: 'keywords', event: ct({}), expected: true },
  { why: 'a keyword that is nowhere', detection: { keywords: ['break-glass'] }, condition: 'keywords', event: ct({}), expected: false },
  { why: 'keywords reach nested leaves', detection: { keywords: 'image-policy.k8s.io/break-glass' }, condition: 'keywords', event: ct({ a: { b: ['x', { c: 'image-policy.k8s.io/break-glass: true' }] } }), expected: true },
  { why: 'keywords see numbers as text', detection: { keywords: [4242] }, condition: 'keywords', event: ct({ port: 14242 }), expected: true },
  { why: "keywords '|all' AND", detection: { keywords: { '|all': ['stop', 'cloudtrail'] } }, condition: 'keywords', event: ct({}), expected: true },
  { why: "keywords '|all' fails when one is missing", detection: { keywords: { '|all': ['stop', 'guardduty'] } }, condition: 'keywords', event: ct({}), expected: false },
  { why: "keywords '|contains'", detection: { keywords: { '|contains': 'amazonaws' } }, condition: 'keywords', event: ct({}), expected: true },
  { why: 'keywords keep wildcards', detection: { keywords: ['stop*ging'] }, condition: 'keywords', event: ct({}), expected: true },
  { why: 'keywords do not see keys', detection: { keywords: ['eventSource'] }, condition: 'keywords', event: ct({}), expected: false },
  // contains / startswith / endswith
  { why: 'contains', detection: { selection: { 'eventName|contains': 'plog' } }, event: ct({}), expected: true },
  { why: 'startswith', detection: { selection: { 'eventName|startswith': 'STOP' } }, event: ct({}), expected: true },
  { why: 'startswith is anchored', detection: { selection: { 'eventName|startswith': 'logging' } }, event: ct({}), expected: false },
  { why: 'endswith', detection: { selection: { 'eventName|endswith': 'logging' } }, event: ct({}), expected: true },
  { why: "contains: '*' is any present value", detection: { selection: { 'errorMessage|contains': '*' } }, event: ct({ errorMessage: '' }), expected: true },
  { why: "contains: '*' is false when absent", detection: { selection: { 'errorMessage|contains': '*' } }, event: ct({}), expected: false },
  { why: "contains: '*' is false for null", detection: { selection: { 'errorMessage|contains': '*' } }, event: ct({ errorMessage: null }), expected: false },
  // re
  { why: 're searches (not a full match)', detection: { selection: { 'userIdentity.arn|re': ':assumed-role/aws:' } }, event: ct({ userIdentity: { arn: 'arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1' } }), expected: true },
  { why: 're is case-sensitive', detection: { selection: { 'eventName|re': '^stoplogging$' } }, event: ct({}), expected: false },
  { why: 're|i ignores case', detection: { selection: { 'eventName|re|i': '^stoplogging$' } }, event: ct({}), expected: true },
  { why: 'a leading (?i) becomes the i flag', detection: { selection: { 'eventName|re': '(?i)^stoplogging$' } }, event: ct({}), expected: true },
  { why: 're|m: ^ matches after a newline', detection: { selection: { 'message|re|m': '^second' } }, event: ct({ message: 'first\nsecond' }), expected: true },
  { why: 're without m: ^ is the start only', detection: { selection: { 'message|re': '^second' } }, event: ct({ message: 'first\nsecond' }), expected: false },
  { why: 're|s: . matches a newline', detection: { selection: { 'message|re|s': 'first.second' } }, event: ct({ message: 'first\nsecond' }), expected: true },
  { why: 're without s: . does not match a newline', detection: { selection: { 'message|re': 'first.second' } }, event: ct({ message: 'first\nsecond' }), expected: false },
  { why: '\\A and \\Z anchor the whole value', detection: { selection: { 'eventName|re': '\\AStop\\w+\\Z' } }, event: ct({}), expected: true },
  { why: '(?P<name>) and (?P=name) translate', detection: { selection: { 'pair|re': '(?P<x>ab)-(?P=x)' } }, event: ct({ pair: 'ab-ab' }), expected: true },
  { why: 're over a number as text', detection: { selection: { 'port|re': '^22$' } }, event: ct({ port: 22 }), expected: true },
  { why: 're refuses nested quantifiers', detection: { selection: { 'a|re': '(a+)+$' } }, event: ct({}), expected: { error: 'nested quantifier' } },
  { why: 're refuses overlapping alternation', detection: { selection: { 'a|re': '(a|aa)+' } }, event: ct({}), expected: { error: 'overlapping alternatives' } },
  { why: 're refuses inline flags in the middle', detection: { selection: { 'a|re': 'a(?i)b' } }, event: ct({}), expected: { error: 'inline flags are only supported at the start' } },
  { why: 're refuses possessive quantifiers', detection: { selection: { 'a|re': 'a++' } }, event: ct({}), expected: { error: 'possessive' } },
  { why: 're refuses atomic groups', detection: { selection: { 'a|re': '(?>a)' } }, event: ct({}), expected: { error: 'atomic' } },
  { why: 're refuses (?x)', detection: { selection: { 'a|re': '(?x)a b' } }, event: ct({}), expected: { error: 'verbose' } },
  { why: 're must come first', detection: { selection: { 'a|contains|re': 'x' } }, event: ct({}), expected: { error: "'re' must be the first modifier" } },
  { why: 'i needs re', detection: { selection: { 'a|i': 'x' } }, event: ct({}), expected: { error: "needs 're' before it" } },
  // cidr
  { why: 'cidr v4 contains', detection: { selection: { 'sourceIPAddress|cidr': '10.0.0.0/8' } }, event: ct({ sourceIPAddress: '10.1.2.3' }), expected: true },
  { why: 'cidr v4 outside', detection: { selection: { 'sourceIPAddress|cidr': '10.0.0.0/8' } }, event: ct({ sourceIPAddress: '11.1.2.3' }), expected: false },
  { why: 'cidr bare address is /32', detection: { selection: { 'sourceIPAddress|cidr': '192.0.2.7' } }, event: ct({ sourceIPAddress: '192.0.2.7' }), expected: true },
  { why: 'cidr v6 contains', detection: { selection: { 'sourceIPAddress|cidr': '2001:db8::/32' } }, event: ct({ sourceIPAddress: '2001:db8:1::5' }), expected: true },
  { why: 'cidr v6 does not contain v4', detection: { selection: { 'sourceIPAddress|cidr': '::/0' } }, event: ct({ sourceIPAddress: '10.0.0.1' }), expected: false },
  { why: 'cidr: a non-IP value never matches', detection: { selection: { 'sourceIPAddress|cidr': '0.0.0.0/0' } }, event: ct({ sourceIPAddress: 'cloudtrail.amazonaws.com' }), expected: false },
  { why: 'cidr list ORs', detection: { selection: { 'sourceIPAddress|cidr': ['10.0.0.0/8', '192.168.0.0/16'] } }, event: ct({ sourceIPAddress: '192.168.4.4' }), expected: true },
  { why: 'cidr with host bits set is refused', detection: { selection: { 'sourceIPAddress|cidr': '10.0.0.5/8' } }, event: ct({}), expected: { error: 'host bits set' } },
  { why: 'cidr /33 is refused', detection: { selection: { 'sourceIPAddress|cidr': '10.0.0.0/33' } }, event: ct({}), expected: { error: 'prefix longer than 32' } },
  // exists
  { why: 'exists: true on a present field', detection: 'detection:\n  selection:\n    errorCode|exists: true\n  condition: selection', event: ct({ errorCode: 'x' }), expected: true },
  { why: 'exists: true on a null field', detection: 'detection:\n  selection:\n    errorCode|exists: true\n  condition: selection', event: ct({ errorCode: null }), expected: true },
  { why: 'exists: false on an absent field', detection: 'detection:\n  selection:\n    errorCode|exists: false\n  condition: selection', event: ct({}), expected: true },
  { why: "exists: 'true' (a string) is refused", detection: { selection: { 'errorCode|exists': 'true' } }, event: ct({}), expected: { error: "'exists' needs one boolean" } },
  // fieldref
  { why: 'fieldref compares two fields', detection: { selection: { 'userIdentity.userName|fieldref': 'requestParameters.userName' } }, event: ct({ userIdentity: { userName: 'Alice' }, requestParameters: { userName: 'alice' } }), expected: true },
  { why: 'fieldref: different values', detection: { selection: { 'userIdentity.userName|fieldref': 'requestParameters.userName' } }, event: ct({ userIdentity: { userName: 'alice' }, requestParameters: { userName: 'bob' } }), expected: false },
  { why: 'fieldref|contains', detection: { selection: { 'userIdentity.arn|fieldref|contains': 'requestParameters.userName' } }, event: ct({ userIdentity: { arn: 'arn:aws:iam::1:user/alice' }, requestParameters: { userName: 'alice' } }), expected: true },
  { why: 'fieldref|startswith', detection: { selection: { 'a|fieldref|startswith': 'b' } }, event: ct({ a: 'prefix-rest', b: 'prefix' }), expected: true },
  { why: 'fieldref|endswith', detection: { selection: { 'a|fieldref|endswith': 'b' } }, event: ct({ a: 'rest-suffix', b: 'prefix' }), expected: false },
  { why: 'fieldref: an absent reference never matches', detection: { selection: { 'a|fieldref': 'b' } }, event: ct({ a: 'x' }), expected: false },
  { why: 'fieldref refuses wildcards', detection: { selection: { 'a|fieldref': 'b*' } }, event: ct({}), expected: { error: 'fieldref takes a field name' } },
  // windash
  { why: 'windash: - also matches /', detection: { selection: { 'cmd|windash|contains': ' -force' } }, event: ct({ cmd: 'tool /force' }), expected: true },
  { why: 'windash: - also matches an en dash', detection: { selection: { 'cmd|windash|contains': ' -force' } }, event: ct({ cmd: 'tool \u2013force' }), expected: true },
  { why: 'windash: - also matches an em dash and a horizontal bar', detection: { selection: { 'cmd|windash|contains|all': [' -a', ' -b'] } }, event: ct({ cmd: 'x \u2014a \u2015b' }), expected: true },
  { why: 'windash leaves a dash inside a word alone', detection: { selection: { 'cmd|windash': 'a-b' } }, event: ct({ cmd: 'a/b' }), expected: false },
  // base64 family (values from the specification appendix and pySigma)
  { why: "base64: 'cmd' is Y21k", detection: { selection: { 'data|base64': 'cmd' } }, event: ct({ data: 'Y21k' }), expected: true },
  { why: 'base64|contains', detection: { selection: { 'data|base64|contains': 'StopLogging' } }, event: ct({ data: `xx${b64('StopLogging')}yy` }), expected: true },
  { why: 'base64 refuses wildcards', detection: { selection: { 'data|base64': 'cm*' } }, event: ct({}), expected: { error: 'cannot encode wildcards' } },
  { why: 'base64offset: shift 0 (YWJjZ)', detection: { selection: { 'data|base64offset|contains': 'abcd' } }, event: ct({ data: b64('xx abcd yy') }), expected: true },
  { why: 'base64offset: shift 1 (FiY2)', detection: { selection: { 'data|base64offset|contains': 'abcd' } }, event: ct({ data: b64(' xx abcd yy') }), expected: true },
  { why: 'base64offset: shift 2 (hYmNk)', detection: { selection: { 'data|base64offset|contains': 'abcd' } }, event: ct({ data: b64('  xx abcd') }), expected: true },
  { why: 'base64offset: the variants are the spec values', detection: { selection: { 'data|base64offset|contains|all': ['abcd'] } }, event: ct({ data: 'YWJjZ' }), expected: true },
  { why: 'base64offset: absent text does not match', detection: { selection: { 'data|base64offset|contains': 'abcd' } }, event: ct({ data: b64('xx wxyz yy') }), expected: false },
  { why: 'base64offset needs contains', detection: { selection: { 'data|base64offset': 'abcd' } }, event: ct({}), expected: { error: "'base64offset' must be followed by 'contains'" } },
  { why: 'wide|base64: cmd is YwBtAGQA (63 00 6d 00 64 00)', detection: { selection: { 'data|wide|base64': 'cmd' } }, event: ct({ data: 'YwBtAGQA' }), expected: true },
  { why: 'utf16le|base64 equals wide', detection: { selection: { 'data|utf16le|base64': 'cmd' } }, event: ct({ data: b64(wide('cmd')) }), expected: true },
  { why: 'utf16be|base64: cmd is AGMAbQBk (00 63 00 6d 00 64)', detection: { selection: { 'data|utf16be|base64': 'cmd' } }, event: ct({ data: 'AGMAbQBk' }), expected: true },
  { why: 'utf16|base64: BOM FF FE then UTF-16LE (//5jAG0AZAA=)', detection: { selection: { 'data|utf16|base64': 'cmd' } }, event: ct({ data: '//5jAG0AZAA=' }), expected: true },
  { why: 'wide|base64offset|contains', detection: { selection: { 'data|wide|base64offset|contains': 'cmd' } }, event: ct({ data: b64(wide('xy cmd /c')) }), expected: true },
  { why: 'wide without base64 is refused', detection: { selection: { 'data|wide': 'cmd' } }, event: ct({}), expected: { error: "'wide' must be followed by base64 or base64offset" } },
  // numeric comparison
  { why: 'gt on a number', detection: { selection: { 'count|gt': 5 } }, event: ct({ count: 6 }), expected: true },
  { why: 'gt is strict', detection: { selection: { 'count|gt': 5 } }, event: ct({ count: 5 }), expected: false },
  { why: 'gte includes the value', detection: { selection: { 'count|gte': 5 } }, event: ct({ count: 5 }), expected: true },
  { why: 'lt on a numeric string', detection: { selection: { 'count|lt': 5 } }, event: ct({ count: '4.5' }), expected: true },
  { why: 'lte includes the value', detection: { selection: { 'count|lte': 5 } }, event: ct({ count: 5 }), expected: true },
  { why: 'lt: a non-number never matches', detection: { selection: { 'count|lt': 5 } }, event: ct({ count: 'four' }), expected: false },
  { why: 'lt: absent never matches', detection: { selection: { 'count|lt': 5 } }, event: ct({}), expected: false },
  { why: 'lt needs a number in the rule', detection: { selection: { 'count|lt': '5' } }, event: ct({}), expected: { error: "'lt' needs a number" } },
  // neq
  { why: 'neq: a different value matches', detection: { selection: { 'errorCode|neq': 'AccessDenied' } }, event: ct({ errorCode: 'Throttling' }), expected: true },
  { why: 'neq: the same value (any case) does not', detection: { selection: { 'errorCode|neq': 'AccessDenied' } }, event: ct({ errorCode: 'accessdenied' }), expected: false },
  { why: 'neq: absent never matches', detection: { selection: { 'errorCode|neq': 'AccessDenied' } }, event: ct({}), expected: false },
  { why: 'neq: differs from every listed value', detection: { selection: { 'errorCode|neq': ['A', 'B'] } }, event: ct({ errorCode: 'B' }), expected: false },
  { why: 'neq|contains: does not contain', detection: { selection: { 'userAgent|neq|contains': 'console' } }, event: ct({ userAgent: 'aws-cli' }), expected: true },
  // conditions
  { why: 'or < and: a or b and not c (b and c true)', detection: { a: { eventName: 'StopLogging' }, b: { eventSource: 'cloudtrail.amazonaws.com' }, c: { eventSource: 'cloudtrail.amazonaws.com' } }, condition: 'a or b and not c', event: ct({}), expected: true },
  { why: 'and binds tighter than or', detection: { a: { eventName: 'Nope' }, b: { eventSource: 'cloudtrail.amazonaws.com' }, c: { eventSource: 'cloudtrail.amazonaws.com' } }, condition: 'a or b and not c', event: ct({}), expected: false },
  { why: 'parentheses regroup', detection: { a: { eventName: 'StopLogging' }, b: { eventSource: 'x' }, c: { eventSource: 'x' } }, condition: '(a or b) and not c', event: ct({}), expected: true },
  { why: 'not binds tighter than and', detection: { a: { eventName: 'StopLogging' }, b: { eventSource: 'x' } }, condition: 'not b and a', event: ct({}), expected: true },
  { why: 'double not', detection: { a: { eventName: 'StopLogging' } }, condition: 'not not a', event: ct({}), expected: true },
  { why: '1 of a pattern ORs', detection: { selection_a: { eventName: 'Nope' }, selection_b: { eventName: 'StopLogging' } }, condition: '1 of selection_*', event: ct({}), expected: true },
  { why: 'any of is 1 of', detection: { selection_a: { eventName: 'Nope' }, selection_b: { eventName: 'StopLogging' } }, condition: 'any of selection_*', event: ct({}), expected: true },
  { why: 'all of a pattern ANDs', detection: { selection_a: { eventName: 'Nope' }, selection_b: { eventName: 'StopLogging' } }, condition: 'all of selection_*', event: ct({}), expected: false },
  { why: 'a pattern with * in the middle', detection: { sel_x_end: { eventName: 'StopLogging' } }, condition: '1 of sel*end', event: ct({}), expected: true },
  { why: '1 of them', detection: { a: { eventName: 'Nope' }, b: { eventName: 'StopLogging' } }, condition: '1 of them', event: ct({}), expected: true },
  { why: 'all of them skips _-prefixed identifiers', detection: { a: { eventName: 'StopLogging' }, _helper: { eventName: 'Nope' } }, condition: 'all of them', event: ct({}), expected: true },
  { why: 'not 1 of filter_* over no match', detection: { selection: { eventName: 'StopLogging' }, filter_main_a: { errorCode: 'x' }, filter_main_b: { errorCode: 'y' } }, condition: 'selection and not 1 of filter_main_*', event: ct({}), expected: true },
  { why: 'a list of conditions is OR', detection: { a: { eventName: 'Nope' }, b: { eventName: 'StopLogging' } }, condition: ['a', 'b'], event: ct({}), expected: true },
  { why: 'selection* matches selection itself', detection: { selection: { eventName: 'StopLogging' } }, condition: 'all of selection*', event: ct({}), expected: true },
  // refusals at load
  { why: 'uppercase operators are refused', detection: { a: { x: 1 }, b: { y: 1 } }, condition: 'a AND b', event: ct({}), expected: { error: 'operators are lowercase' } },
  { why: 'aggregations are refused', detection: { selection: { x: 1 } }, condition: 'selection | count() > 5', event: ct({}), expected: { error: "aggregations ('|')" } },
  { why: '2 of is refused', detection: { a: { x: 1 }, b: { y: 1 } }, condition: '2 of them', event: ct({}), expected: { error: "'2 of' is not supported" } },
  { why: 'an undefined identifier is refused', detection: { selection: { x: 1 } }, condition: 'selection and filter', event: ct({}), expected: { error: "undefined identifier 'filter'" } },
  { why: 'a pattern matching nothing is refused', detection: { selection: { x: 1 } }, condition: 'selection and not 1 of filter_*', event: ct({}), expected: { error: 'matches no identifier' } },
  { why: 'near is refused', detection: { a: { x: 1 }, b: { y: 1 } }, condition: 'a near b', event: ct({}), expected: { error: 'unexpected' } },
  { why: 'timeframe is refused', detection: 'detection:\n  selection:\n    x: 1\n  timeframe: 5m\n  condition: selection', event: ct({}), expected: { error: "'timeframe' is not supported" } },
  { why: 'an unknown modifier is refused', detection: { selection: { 'eventName|contians': 'x' } }, event: ct({}), expected: { error: "unknown modifier 'contians'" } },
  { why: 'expand is refused', detection: { selection: { 'x|expand': '%a%' } }, event: ct({}), expected: { error: 'placeholders' } },
  { why: 'time parts are refused', detection: { selection: { 'eventTime|hour': 3 } }, event: ct({}), expected: { error: 'time-part modifiers' } },
  { why: 'map values are refused', detection: { selection: { requestParameters: { enable: false } } }, event: ct({}), expected: { error: 'map values are not supported' } },
  { why: 'null with modifiers is refused', detection: { selection: { 'x|contains': null } }, event: ct({}), expected: { error: 'null takes no modifiers' } },
  { why: 'multi-document files are refused', detection: 'detection:\n  selection:\n    x: 1\n  condition: selection\n---\naction: global', event: ct({}), expected: { error: 'multi-document' } },
  { why: 'duplicate keys are refused', detection: 'detection:\n  selection:\n    x: 1\n    x: 2\n  condition: selection', event: ct({}), expected: { error: 'unique' } },
  // the index agrees with brute force on constrained, wildcard and negated operations
  { why: 'index: exact operation, other case in the event', detection: { selection: { eventName: 'STOPLOGGING' } }, event: ct({ eventName: 'stoplogging' }), expected: true },
  { why: 'index: a wildcard operation lands in *', detection: { selection: { eventName: 'Stop*' } }, event: ct({}), expected: true },
  { why: 'index: a negated operation lands in *', detection: { selection: { eventSource: 'cloudtrail.amazonaws.com' }, filter: { eventName: 'StartLogging' } }, condition: 'selection and not filter', event: ct({}), expected: true },
  { why: 'index: OR keeps the operation only if every branch has it', detection: { a: { eventName: 'DeleteTrail' }, b: { eventSource: 'cloudtrail.amazonaws.com' } }, condition: 'a or b', event: ct({}), expected: true },
  { why: 'index: AND of two constraints intersects', detection: { a: { eventName: ['StopLogging', 'DeleteTrail'] }, b: { eventName: ['StopLogging', 'UpdateTrail'] } }, condition: 'a and b', event: ct({}), expected: true },
  { why: 'index: the service constraint alone', detection: { selection: { eventSource: 'cloudtrail.amazonaws.com' } }, event: ct({ eventName: 'Anything' }), expected: true },
  { why: 'index: the wrong service is no candidate', detection: { selection: { eventSource: 'guardduty.amazonaws.com', eventName: 'StopLogging' } }, event: ct({}), expected: false },
  { why: 'index: a keyword rule lands in * / *', detection: { keywords: ['stoplogging'] }, condition: 'keywords', event: ct({}), expected: true },
];

describe('Sigma semantics (DESIGN §3)', () => {
  it.each(rows)('$why', (row) => {
    // Prepare
    const { expected } = row;
    // Act
    const outcome = evaluate(row);
    // Assess
    if (typeof expected === 'boolean') {
      expect(outcome).toEqual({ indexed: expected, brute: expected, fallback: expected });
    } else {
      expect(outcome).toHaveProperty('error');
      const message = 'error' in outcome ? outcome.error : '';
      expect(message).toMatch(/^rule\.yml:\d+:\d+[ :]/);
      expect(message).toContain(expected.error);
    }
  });
});
