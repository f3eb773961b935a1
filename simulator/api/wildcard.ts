// The routing API's `name` filter: `*` matches any run of characters, everything else literally,
// case-insensitively. Matched without a regular expression: `*a*a*a…b` against a long name made the
// regex engine backtrack for minutes. Here each literal segment is searched once, leftmost, from where
// the previous one ended, which is correct for a pattern whose only wildcard is `*` (taking the
// earliest occurrence never rules out a later segment), so the work grows with name × pattern length
// at worst and never explodes.

export function wildcardMatcher(pattern: string): (name: string) => boolean {
  const segments = pattern.toLowerCase().split('*');
  const first = segments[0]!;
  if (segments.length === 1) return (name) => name.toLowerCase() === first;
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1).filter((segment) => segment !== '');
  return (name) => {
    const text = name.toLowerCase();
    if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
    let position = first.length;
    const end = text.length - last.length;
    for (const segment of middle) {
      const found = text.indexOf(segment, position);
      if (found < 0 || found + segment.length > end) return false;
      position = found + segment.length;
    }
    return true;
  };
}
