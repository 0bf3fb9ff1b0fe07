import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, envNameOf, type LoadOptions, loadConfig } from '../../src/config/load-config.js';

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function home(properties?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'reg-config-'));
  created.push(dir);
  if (properties !== undefined) {
    const conf = join(dir, 'conf');
    mkdirSync(conf);
    writeFileSync(join(conf, 'application.properties'), properties);
  }
  return dir;
}

function load(overrides: Partial<LoadOptions> & { properties?: string }) {
  const appHome = home(overrides.properties);
  const result = loadConfig({
    argv: [],
    env: {},
    appHome,
    version: '9.9.9',
    detectIp: () => '10.1.2.3',
    ...overrides,
  });
  if (result.kind !== 'config') throw new Error(`expected a config, got ${result.kind}`);
  return { config: result.config, appHome };
}

function problemsOf(overrides: Partial<LoadOptions> & { properties?: string }): readonly string[] {
  try {
    load(overrides);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses Nacos defaults without a file', () => {
    const { config, appHome } = load({});
    expect(config).toMatchObject({
      mode: 'cluster',
      port: 8848,
      clusterPort: 7848,
      contextPath: '/nacos',
      ip: '10.1.2.3',
      logLevel: 'info',
      dataDir: join(appHome, 'data'),
      confDir: join(appHome, 'conf'),
      version: '9.9.9',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads application.properties', () => {
    const { config } = load({
      properties: 'server.port=9000\nnacos.standalone=true\nnacos.inetutils.ip-address=10.9.9.9\n',
    });
    expect(config).toMatchObject({ port: 9000, clusterPort: 8000, mode: 'standalone', ip: '10.9.9.9' });
  });

  it('applies defaults < file < environment < flags', () => {
    const properties = 'server.port=9000\n';
    expect(load({ properties }).config.port).toBe(9000);
    expect(load({ properties, env: { SERVER_PORT: '9100' } }).config.port).toBe(9100);
    expect(load({ properties, env: { SERVER_PORT: '9100' }, argv: ['--port', '9200'] }).config.port).toBe(
      9200,
    );
  });

  it('maps keys to environment names the Spring way', () => {
    expect(envNameOf('nacos.inetutils.ip-address')).toBe('NACOS_INETUTILS_IP_ADDRESS');
    expect(load({ env: { NACOS_INETUTILS_IP_ADDRESS: '10.0.0.7' } }).config.ip).toBe('10.0.0.7');
  });

  it('chooses the mode from -m, then MODE, then nacos.standalone', () => {
    expect(load({ argv: ['-m', 'standalone'] }).config.mode).toBe('standalone');
    expect(load({ argv: ['--mode', 'cluster'], env: { MODE: 'standalone' } }).config.mode).toBe('cluster');
    expect(load({ env: { MODE: 'standalone' } }).config.mode).toBe('standalone');
    expect(load({ properties: 'nacos.standalone=yes' }).config.mode).toBe('standalone');
  });

  it('resolves placeholders against properties, then the environment, then defaults', () => {
    const { config } = load({
      properties: 'base=91\nserver.port=${base}00\nnacos.inetutils.ip-address=${HOST_IP:10.0.0.1}\n',
      env: {},
    });
    expect(config.port).toBe(9100);
    expect(config.ip).toBe('10.0.0.1');
    expect(
      load({ properties: 'nacos.inetutils.ip-address=${HOST_IP:x}', env: { HOST_IP: '10.5.5.5' } }).config.ip,
    ).toBe('10.5.5.5');
  });

  it('puts data under --data-dir, else nacos.home/data', () => {
    const { config } = load({ argv: ['--data-dir', '/tmp/reg-elsewhere'] });
    expect(config.dataDir).toBe('/tmp/reg-elsewhere');
    expect(load({ properties: 'nacos.home=/srv/reg' }).config.dataDir).toBe('/srv/reg/data');
  });

  it('reads the file from --conf-dir', () => {
    const other = home('server.port=9300\n');
    expect(load({ argv: ['--conf-dir', join(other, 'conf')] }).config.port).toBe(9300);
  });

  it('keeps every property for later modules', () => {
    const { config } = load({ properties: 'db.num=1\n', env: { DB_NUM: '2' } });
    expect(config.properties.get('db.num')).toBe('2');
  });

  it('names the key, value and line of an invalid file value', () => {
    const problems = problemsOf({ properties: '# ports\nserver.port=eighty\n' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^server\.port="eighty" \(.*application\.properties:2\): expected a port number/,
    );
  });

  it('names the environment variable or flag that set an invalid value', () => {
    expect(problemsOf({ env: { SERVER_PORT: '70000' } })[0]).toMatch(
      /server\.port="70000" \(env SERVER_PORT\)/,
    );
    expect(problemsOf({ argv: ['--port', '0x10'] })[0]).toMatch(/server\.port="0x10" \(flag --port\)/);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      properties:
        'server.port=x\nnacos.standalone=maybe\nreg.log.level=loud\nnacos.inetutils.ip-address=not an ip\n',
    });
    expect(problems.map((p) => p.split('=')[0])).toEqual([
      'nacos.standalone',
      'server.port',
      'nacos.inetutils.ip-address',
      'reg.log.level',
    ]);
  });

  it('rejects an unknown mode, flag or a dangling placeholder', () => {
    expect(problemsOf({ argv: ['-m', 'solo'] })[0]).toMatch(
      /mode="solo" \(flag -m\): expected one of standalone, cluster/,
    );
    expect(problemsOf({ argv: ['--prot', '1'] })[0]).toMatch(/Unknown option '--prot'/);
    expect(problemsOf({ properties: 'server.port=${NOPE}' })[0]).toMatch(/unresolved placeholder \$\{NOPE\}/);
    expect(problemsOf({ properties: 'a=${b}\nb=${a}\nserver.port=${a}' }).join('\n')).toMatch(
      /circular placeholder/,
    );
  });

  it('refuses a cluster port below 1', () => {
    expect(problemsOf({ argv: ['--port', '1000'] })[0]).toMatch(/peer port/);
    expect(load({ argv: ['--port', '1000', '-m', 'standalone'] }).config.port).toBe(1000);
  });

  it('answers --help and --version without validating anything else', () => {
    const options = { env: {}, appHome: home(), version: '1', detectIp: () => '10.0.0.1' };
    expect(loadConfig({ ...options, argv: ['--help', '--port', 'x'] }).kind).toBe('help');
    expect(loadConfig({ ...options, argv: ['-v'] }).kind).toBe('version');
  });
});
