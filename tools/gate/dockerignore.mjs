/**
 * Docker's .dockerignore semantics, enough to answer "does the build context keep this file?":
 * patterns are matched against the path and each parent folder; the last matching line wins;
 * `!` re-includes; `*` and `?` stay within one path segment, `**` spans any number.
 */
export function parseDockerignore(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line)
        .trim()
        .replace(/^\/+/, '')
        .replace(/\/+$/, '')
        .replace(/^\.\//, '');
      return { negated, pattern, regex: globToRegex(pattern) };
    });
}

function globToRegex(pattern) {
  let regex = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index];
    if (char === '*' && pattern[index + 1] === '*') {
      regex += '.*';
      index += 1;
      if (pattern[index + 1] === '/') index += 1;
    } else if (char === '*') regex += '[^/]*';
    else if (char === '?') regex += '[^/]';
    else regex += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${regex}$`);
}

export function isExcluded(rules, path) {
  const segments = path.split('/');
  let excluded = false;
  for (const rule of rules) {
    for (let length = 1; length <= segments.length; length += 1) {
      if (rule.regex.test(segments.slice(0, length).join('/'))) {
        excluded = !rule.negated;
        break;
      }
    }
  }
  return excluded;
}
