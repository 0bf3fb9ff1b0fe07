import { describe, expect, it } from 'vitest';
import { parseAddress } from '../src/address.js';
import { parseClusterConf, parseMemberList } from '../src/cluster-conf.js';

function members(text: string): string[] {
  const r = parseClusterConf(text, { fileName: 'cluster.conf' });
  if (!r.ok) throw r.error;
  return r.members.map((m) => m.address);
}

function issues(text: string) {
  const r = parseClusterConf(text, { fileName: 'conf/cluster.conf' });
  if (r.ok) throw new Error(`expected failure, got ${r.members.map((m) => m.address).join(',')}`);
  expect(r.error.code).toBe('MEMBERSHIP_BAD_LINE');
  return r.error.issues.map((i) => ({
    line: i.line,
    entry: i.entry,
    reason: i.reason,
    fileName: i.fileName,
  }));
}

describe('parseClusterConf', () => {
  it('reads one member per line with the default port 8848', () => {
    expect(members('10.0.0.1:8848\n10.0.0.2\n10.0.0.3:8850\n')).toEqual([
      '10.0.0.1:8848',
      '10.0.0.2:8848',
      '10.0.0.3:8850',
    ]);
  });

  it('skips blank lines, whole-line and trailing comments, CRLF and a BOM', () => {
    const text =
      '\uFEFF# cluster\r\n\r\n   \r\n10.0.0.1:8848 # node A\r\n  10.0.0.2:8848  \r\n#10.0.0.9\r\n   # indented comment\n';
    expect(members(text)).toEqual(['10.0.0.1:8848', '10.0.0.2:8848']);
  });

  it('splits comma-separated lists, trimming each entry', () => {
    expect(members('10.0.0.1:8848, 10.0.0.2:8848 ,10.0.0.3\n10.0.0.4')).toEqual([
      '10.0.0.1:8848',
      '10.0.0.2:8848',
      '10.0.0.3:8848',
      '10.0.0.4:8848',
    ]);
  });

  it('accepts hostnames (lower-cased) and several loopback members on different ports', () => {
    expect(
      members('Nacos-1.Example.COM:8848\nlocalhost\n127.0.0.1:8848\n127.0.0.1:8858\n127.0.0.1:8868'),
    ).toEqual([
      'nacos-1.example.com:8848',
      'localhost:8848',
      '127.0.0.1:8848',
      '127.0.0.1:8858',
      '127.0.0.1:8868',
    ]);
  });

  it('accepts bracketed IPv6 with and without a port, and bare IPv6 without one', () => {
    const r = parseClusterConf('[::1]:8848\n[fe80::2]\n2001:db8::7\n[0:0:0:0:0:0:0:5]:9000');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.members).toEqual([
      { ip: '::1', port: 8848, address: '[::1]:8848' },
      { ip: 'fe80::2', port: 8848, address: '[fe80::2]:8848' },
      { ip: '2001:db8::7', port: 8848, address: '[2001:db8::7]:8848' },
      { ip: '::5', port: 9000, address: '[::5]:9000' },
    ]);
  });

  it('honours a custom default port', () => {
    const r = parseClusterConf('10.0.0.1', { defaultPort: 9000 });
    expect(r.ok && r.members[0]?.address).toBe('10.0.0.1:9000');
  });

  it('reports every bad entry with file name and line number, and returns no members', () => {
    const text = [
      '10.0.0.1:8848', // 1 ok
      '10.0.0.2:70000', // 2 port too high
      '10.0.0.3:80', // 3 port below 1001 (no cluster port)
      '10.0.0.4:', // 4 empty port
      '10.0.0.5:abc', // 5 not a number
      '10.0.0.256', // 6 bad IPv4
      'bad_host!', // 7 bad hostname
      '[::1', // 8 missing ]
      '[::1]x', // 9 junk after ]
      '[not-v6]:8848', // 10 not IPv6
      '10.0.0.1:8848', // 11 duplicate of line 1
      '10.0.0.6,,10.0.0.7', // 12 empty entry
      '10.0.0.8 8848', // 13 whitespace
      ':8848', // 14 empty host
      'fe80::1%eth0', // 15 zone id
      '1:2:3', // 16 not IPv6
      '-bad.example.com', // 17 label starts with hyphen
      '10.0.0.9:0', // 18 port 0
    ].join('\n');
    const found = issues(text);
    expect(found.map((i) => i.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(found.every((i) => i.fileName === 'conf/cluster.conf')).toBe(true);
    const reasonOn = (line: number) => found.find((i) => i.line === line)?.reason;
    expect(reasonOn(2)).toMatch(/port 70000 out of range 1001\.\.65535/);
    expect(reasonOn(3)).toMatch(/port 80 out of range/);
    expect(reasonOn(4)).toBe('empty port');
    expect(reasonOn(5)).toMatch(/not a number/);
    expect(reasonOn(6)).toMatch(/not a valid IPv4/);
    expect(reasonOn(7)).toMatch(/not a valid hostname/);
    expect(reasonOn(8)).toMatch(/missing '\]'/);
    expect(reasonOn(9)).toMatch(/unexpected 'x'/);
    expect(reasonOn(10)).toMatch(/not an IPv6 address/);
    expect(reasonOn(11)).toBe('duplicate of 10.0.0.1:8848 (line 1)');
    expect(reasonOn(12)).toBe('empty entry');
    expect(reasonOn(13)).toBe('contains whitespace');
    expect(reasonOn(14)).toBe('empty host');
    expect(reasonOn(15)).toMatch(/zone ids/);
    expect(reasonOn(16)).toMatch(/not an IPv6 address/);
    expect(reasonOn(17)).toMatch(/not a valid hostname/);
    expect(reasonOn(18)).toMatch(/port 0 out of range/);
  });

  it('puts every issue in the error message with file:line', () => {
    const r = parseClusterConf('10.0.0.1\n\n10.0.0.1:99999\n10.0.0.1', { fileName: '/etc/reg/cluster.conf' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toContain('/etc/reg/cluster.conf: 2 invalid entries');
    expect(r.error.message).toContain("/etc/reg/cluster.conf:3: '10.0.0.1:99999'");
    expect(r.error.message).toContain(
      "/etc/reg/cluster.conf:4: '10.0.0.1': duplicate of 10.0.0.1:8848 (line 1)",
    );
  });

  it('treats duplicates across spellings of one address as duplicates', () => {
    expect(issues('[::1]:8848\n0:0:0:0:0:0:0:1\nHOST.example\nhost.example:8848')).toEqual([
      {
        fileName: 'conf/cluster.conf',
        line: 2,
        entry: '0:0:0:0:0:0:0:1',
        reason: 'duplicate of [::1]:8848 (line 1)',
      },
      {
        fileName: 'conf/cluster.conf',
        line: 4,
        entry: 'host.example:8848',
        reason: 'duplicate of host.example:8848 (line 3)',
      },
    ]);
  });

  it('rejects a file with no members', () => {
    expect(issues('# nothing here\n\n')).toEqual([
      { fileName: 'conf/cluster.conf', line: 0, entry: '', reason: 'no members listed' },
    ]);
    expect(issues('')).toHaveLength(1);
  });

  it('defaults the file name to <input>', () => {
    const r = parseClusterConf('x:1');
    expect(!r.ok && r.error.issues[0]?.fileName).toBe('<input>');
  });
});

describe('parseMemberList (nacos.member.list)', () => {
  it('parses a comma list with the same rules', () => {
    const r = parseMemberList('10.0.0.1:8848,10.0.0.2,[::1]:8850');
    expect(r.ok && r.members.map((m) => m.address)).toEqual(['10.0.0.1:8848', '10.0.0.2:8848', '[::1]:8850']);
  });

  it('names the property and line 1 in issues', () => {
    const r = parseMemberList('10.0.0.1:8848,10.0.0.1:1');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.issues).toEqual([
      {
        fileName: 'nacos.member.list',
        line: 1,
        entry: '10.0.0.1:1',
        reason: 'port 1 out of range 1001..65535 (cluster port = port - 1000)',
      },
    ]);
  });
});

describe('parseAddress', () => {
  it('round-trips member addresses', () => {
    for (const a of ['10.1.2.3:8848', '[::1]:7000', 'node-a.local:9999']) {
      const r = parseAddress(a);
      expect(r.ok && r.member.address).toBe(a);
    }
  });
});
