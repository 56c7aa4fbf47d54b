import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalog, repoPath } from '../repo.js';
import { CLIS, Sandbox } from './sandbox.js';

const services = readCatalog().map((service) => service.name);

describe('install-dev-tools.sh', () => {
  const postgresPresent =
    existsSync('/usr/lib/postgresql') &&
    readdirSync('/usr/lib/postgresql').some((version) =>
      existsSync(`/usr/lib/postgresql/${version}/bin/initdb`),
    );
  const helmPresent = existsSync(repoPath('.toolchain/bin/helm'));

  it('plans one non-interactive apt-get install of exactly the missing packages', () => {
    const sandbox = new Sandbox({ plumbing: ['bash', 'dirname', 'basename', 'id', 'cat', 'uname'] });
    try {
      const run = sandbox.run('install-dev-tools.sh', ['--dry-run']);
      expect(run.status).toBe(0);
      const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
      // unzip and jenkins-jobs are recorders here (other scripts drive them), so they count as present.
      const packages = 'openssl git jq redis-server prometheus shellcheck yamllint groovy';
      expect(run.planned.slice(0, 2)).toEqual([
        `${sudo}apt-get update`,
        `${sudo}apt-get install -y --no-install-recommends ${packages}${postgresPresent ? '' : ' postgresql'}`,
      ]);
      expect(run.stderr).toContain('./dev fetches Node 24');
      expect(sandbox.calls()).toEqual([]);
    } finally {
      sandbox.cleanup();
    }
  });

  it('does nothing when every tool is present', () => {
    const tools =
      'openssl git unzip jq redis-server prometheus promtool shellcheck yamllint jenkins-jobs groovy helm';
    const sandbox = new Sandbox({ recorders: [...CLIS, ...tools.split(' ')] });
    try {
      const run = sandbox.run('install-dev-tools.sh');
      expect(run.status).toBe(0);
      expect(sandbox.calls()).toEqual([]);
      if (postgresPresent) expect(run.stderr).toContain('everything present');
      expect(helmPresent || run.stderr.includes('everything present')).toBe(true);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('jenkins-setup.sh', () => {
  it('installs the plugins list, puts the configuration as code in place and seeds the jobs', () => {
    const sandbox = new Sandbox();
    try {
      const home = join(sandbox.dir, 'jenkins');
      const run = sandbox.run('jenkins-setup.sh', ['--dry-run', '--jenkins-home', home]);
      expect(run.status).toBe(0);
      expect(run.planned).toEqual([
        `jenkins-plugin-cli --plugin-file jenkins/plugins.txt --plugin-download-directory ${home}/plugins`,
        `install -D -m 0644 jenkins/casc/jenkins.yaml ${home}/casc_configs/jenkins.yaml`,
        `jenkins-jobs test jenkins/jobs -o ${sandbox.tmp}/iot-mesh-jobs`,
        'jenkins-jobs update jenkins/jobs',
      ]);
      expect(run.stderr).toContain(`CASC_JENKINS_CONFIG=${home}/casc_configs/jenkins.yaml`);
      expect(sandbox.calls()).toEqual([]);
    } finally {
      sandbox.cleanup();
    }
  });

  it('names every credential placeholder of the configuration that the environment does not set', () => {
    const casc = readFileSync(repoPath('jenkins/casc/jenkins.yaml'), 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    const placeholders = [...new Set([...casc.matchAll(/\$\{([A-Za-z_]\w*)\}/g)].map(([, name]) => name))];
    const sandbox = new Sandbox();
    try {
      const run = sandbox.run('jenkins-setup.sh', [
        '--skip-jobs',
        '--jenkins-home',
        join(sandbox.dir, 'home'),
      ]);
      expect(run.status).toBe(0);
      expect(placeholders.length).toBeGreaterThan(0);
      for (const name of placeholders) expect(run.stderr).toContain(`placeholder ${name} is not set`);
      expect(run.stderr.match(/placeholder \S+ is not set/g)).toHaveLength(placeholders.length);
      expect(sandbox.calls().map((call) => call.split(' ')[0])).toEqual(['jenkins-plugin-cli', 'install']);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('gen-certs.sh', () => {
  const openssl = (...args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' });

  it('makes a CA and a client+server certificate per catalog service, and keeps them on a second run', () => {
    const sandbox = new Sandbox();
    try {
      const out = join(sandbox.dir, 'certs');
      expect(sandbox.run('gen-certs.sh', ['--out', out]).status).toBe(0);
      for (const service of services) {
        const crt = join(out, `${service}.crt`);
        expect(
          openssl('verify', '-CAfile', join(out, 'ca.crt'), '-purpose', 'sslclient', crt).stdout,
        ).toContain(': OK');
        expect(
          openssl('verify', '-CAfile', join(out, 'ca.crt'), '-purpose', 'sslserver', crt).stdout,
        ).toContain(': OK');
        expect(openssl('x509', '-in', crt, '-noout', '-ext', 'subjectAltName').stdout).toContain(
          `DNS:${service}, DNS:${service}.${service}.svc.cluster.local, DNS:localhost, IP Address:127.0.0.1`,
        );
      }
      const before = readFileSync(join(out, 'ca.crt'), 'utf8');
      const again = sandbox.run('gen-certs.sh', ['--out', out, '--dry-run']);
      expect(again.planned).toEqual([`mkdir -p ${out}`]);
      expect(readFileSync(join(out, 'ca.crt'), 'utf8')).toBe(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('makes again, and says why, a certificate that has expired, expires soon or another CA signed', () => {
    const sandbox = new Sandbox();
    try {
      const out = join(sandbox.dir, 'certs');
      const file = (name: string) => join(out, name);
      const [expired, foreign, expiring, ...kept] = services;
      expect(sandbox.run('gen-certs.sh', ['--out', out]).status).toBe(0);
      // The CA's certificate for the same key, valid until the day before it was issued.
      const csr = join(sandbox.dir, 'expired.csr');
      openssl('req', '-new', '-key', file(`${expired}.key`), '-subj', `/CN=${expired}`, '-out', csr);
      const signing = ['-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-out', file(`${expired}.crt`)];
      expect(openssl('x509', '-req', '-days', '-1', '-in', csr, ...signing).status).toBe(0);
      // A certificate and key from another run of the script, with its own CA.
      const elsewhere = join(sandbox.dir, 'elsewhere');
      expect(sandbox.run('gen-certs.sh', ['--out', elsewhere, '--ca-name', 'other CA', foreign]).status).toBe(
        0,
      );
      for (const ext of ['crt', 'key'])
        writeFileSync(file(`${foreign}.${ext}`), readFileSync(join(elsewhere, `${foreign}.${ext}`)));
      // One made for 10 days (which the script itself does not renew on the next run with --days 10).
      for (const ext of ['crt', 'key']) rmSync(file(`${expiring}.${ext}`));
      expect(sandbox.run('gen-certs.sh', ['--out', out, '--days', '10', expiring]).stderr).not.toContain(
        'renewing',
      );
      const untouched = ['ca.crt', ...kept.map((service) => `${service}.crt`)];
      const before = untouched.map((name) => readFileSync(file(name), 'utf8'));

      const again = sandbox.run('gen-certs.sh', ['--out', out]);
      expect(again.status).toBe(0);
      expect(again.stderr.split('\n').filter((line) => line.includes('renewing'))).toEqual([
        `gen-certs.sh: renewing ${file(`${expired}.crt`)}: it has expired`,
        `gen-certs.sh: renewing ${file(`${foreign}.crt`)}: it was not signed by the CA in ca.crt`,
        `gen-certs.sh: renewing ${file(`${expiring}.crt`)}: it expires within 30 days`,
      ]);
      for (const service of [expired, foreign, expiring]) {
        const crt = file(`${service}.crt`);
        expect(openssl('verify', '-CAfile', file('ca.crt'), crt).stdout).toContain(': OK');
        expect(openssl('x509', '-in', crt, '-noout', '-checkend', String(800 * 86400)).status).toBe(0);
      }
      expect(untouched.map((name) => readFileSync(file(name), 'utf8'))).toEqual(before);
    } finally {
      sandbox.cleanup();
    }
  });

  it('makes a new CA when its own has expired, and the certificates again with it', () => {
    const sandbox = new Sandbox();
    try {
      const out = join(sandbox.dir, 'certs');
      const [first, second] = services;
      expect(sandbox.run('gen-certs.sh', ['--out', out, first, second]).status).toBe(0);
      const ca = join(out, 'ca.crt');
      expect(
        openssl('x509', '-in', ca, '-signkey', join(out, 'ca.key'), '-days', '-1', '-out', ca).status,
      ).toBe(0);
      const again = sandbox.run('gen-certs.sh', ['--out', out, first, second]);
      expect(again.status).toBe(0);
      expect(again.stderr).toContain(`gen-certs.sh: making a new CA: ${ca}: it has expired`);
      expect(openssl('x509', '-in', ca, '-noout', '-checkend', String(800 * 86400)).status).toBe(0);
      for (const service of [first, second])
        expect(openssl('verify', '-CAfile', ca, join(out, `${service}.crt`)).stdout).toContain(': OK');
    } finally {
      sandbox.cleanup();
    }
  });

  it('says that an empty or damaged certificate cannot be read, not that it has expired', () => {
    const sandbox = new Sandbox();
    try {
      const out = join(sandbox.dir, 'certs');
      const [first, second] = services;
      expect(sandbox.run('gen-certs.sh', ['--out', out, first, second]).status).toBe(0);
      const unreadable = 'it cannot be read as a PEM certificate (empty or damaged)';
      writeFileSync(join(out, `${first}.crt`), '');
      const emptied = sandbox.run('gen-certs.sh', ['--out', out, first, second]);
      expect(emptied.stderr.split('\n').filter((line) => line.includes('renewing'))).toEqual([
        `gen-certs.sh: renewing ${join(out, `${first}.crt`)}: ${unreadable}`,
      ]);

      const ca = join(out, 'ca.crt');
      writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
      const damaged = sandbox.run('gen-certs.sh', ['--out', out, first, second]);
      expect(damaged.status).toBe(0);
      expect(damaged.stderr).toContain(`gen-certs.sh: making a new CA: ${ca}: ${unreadable}`);
      for (const service of [first, second])
        expect(openssl('verify', '-CAfile', ca, join(out, `${service}.crt`)).stdout).toContain(': OK');
    } finally {
      sandbox.cleanup();
    }
  });

  it('rejects a bad --days or service name', () => {
    const sandbox = new Sandbox();
    try {
      expect(sandbox.run('gen-certs.sh', ['--days', 'soon', '--dry-run']).status).toBe(2);
      expect(sandbox.run('gen-certs.sh', ['Bad_Name', '--dry-run']).stderr).toContain(
        "bad service name 'Bad_Name'",
      );
    } finally {
      sandbox.cleanup();
    }
  });
});
