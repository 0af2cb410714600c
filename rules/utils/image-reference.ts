/**
 * Image references as docker/cli and swarmkit parse them (distribution/reference `ParseNormalizedNamed`):
 * `[domain[:port]/]path[/path…][:tag][@digest]`. The first component is a domain only when it contains `.` or
 * `:` or is `localhost`; every path component is lower case.
 */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
// A domain only with a `.` or a port, as `localhost`, or an IPv6 address: otherwise the component is a path.
const DOMAIN = `(?:localhost|${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})+|${DOMAIN_COMPONENT}(?=:)|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME_MAX = 255;

/** Why `image` is not a reference docker accepts, or undefined when it is one. */
export function imageProblem(image: string): string | undefined {
  if (image === '') return 'it is empty';
  if (/\s/.test(image)) return 'it contains white space';
  if (image.endsWith(':')) return 'it ends in `:` with no tag after it';
  if (image.endsWith('@')) return 'it ends in `@` with no digest after it';
  if (image.startsWith('/') || image.includes('//')) return 'it has an empty path component (`/` at the start or `//`)';
  const at = image.indexOf('@');
  const named = at === -1 ? image : image.slice(0, at);
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const name = colon > slash ? named.slice(0, colon) : named;
  const first = name.split('/')[0] ?? '';
  const hasDomain = name.includes('/') && (/[.:]/.test(first) || first === 'localhost');
  const repository = hasDomain ? name.slice(first.length + 1) : name;
  if (repository !== repository.toLowerCase()) return 'the repository name must be lower case';
  if (name.length > NAME_MAX) return `the repository name is longer than ${String(NAME_MAX)} characters`;
  const m = REFERENCE.exec(image);
  if (!m) return 'it is not `[registry/]name[:tag][@digest]`';
  const digest = m[4];
  if (digest?.toLowerCase().startsWith('sha256:') && digest.length !== 'sha256:'.length + 64)
    return 'its sha256 digest is not 64 hexadecimal digits';
  return undefined;
}
