import { parse } from 'yaml';
import { readCatalog, readRepoFile } from '../repo.js';
import { CLIS, Sandbox } from './sandbox.js';

const services = readCatalog().map((service) => service.name);
const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';

describe('eks-setup.sh', () => {
  const eksConfig = parse(readRepoFile('setup-scripts/eks/cluster.yaml')) as {
    managedNodeGroups: { minSize: number; maxSize: number; tags: Record<string, string> }[];
  };

  it('checks in an eksctl config with OIDC and one managed node group autoscaling 2-6 nodes', () => {
    expect(eksConfig).toMatchObject({
      apiVersion: 'eksctl.io/v1alpha5',
      kind: 'ClusterConfig',
      metadata: { name: 'iot-mesh', region: 'eu-west-1' },
      iam: { withOIDC: true },
    });
    expect(eksConfig.managedNodeGroups).toHaveLength(1);
    expect(eksConfig.managedNodeGroups[0]).toMatchObject({ minSize: 2, maxSize: 6 });
    expect(eksConfig.managedNodeGroups[0]?.tags).toMatchObject({
      'k8s.io/cluster-autoscaler/enabled': 'true',
      'k8s.io/cluster-autoscaler/iot-mesh': 'owned',
    });
  });

  it('plans to install the missing CLIs at pinned versions, then create the cluster from the config', () => {
    const sandbox = new Sandbox({ recorders: CLIS.filter((cli) => !['eksctl', 'helm'].includes(cli)) });
    try {
      const bin = `${sandbox.dir}/bin`;
      const run = sandbox.run('eks-setup.sh', ['--dry-run', '--bin-dir', bin]);
      expect(run.status).toBe(0);
      const downloads = `${sandbox.tmp}/iot-mesh-downloads/eksctl`;
      expect(run.planned).toEqual([
        `mkdir -p ${downloads}`,
        `curl -fsSLo ${downloads}/eksctl.tar.gz https://github.com/eksctl-io/eksctl/releases/download/v0.210.0/eksctl_Linux_${arch}.tar.gz`,
        `tar -xzf ${downloads}/eksctl.tar.gz -C ${downloads} eksctl`,
        `install -D -m 0755 ${downloads}/eksctl ${bin}/eksctl`,
        'bash setup-scripts/install-helm.sh',
        'eksctl create cluster -f setup-scripts/eks/cluster.yaml',
        'aws eks update-kubeconfig --name iot-mesh --region eu-west-1',
        '.toolchain/bin/helm repo add autoscaler https://kubernetes.github.io/autoscaler --force-update',
        '.toolchain/bin/helm upgrade --install cluster-autoscaler autoscaler/cluster-autoscaler --namespace kube-system ' +
          '--version 9.46.6 --set autoDiscovery.clusterName=iot-mesh --set awsRegion=eu-west-1 ' +
          '--set rbac.serviceAccount.create=false --set rbac.serviceAccount.name=cluster-autoscaler --wait',
        'kubectl get nodes -o wide',
      ]);
      // Under --dry-run nothing that changes anything ran; eksctl was missing, so not even the look-up.
      expect(sandbox.calls()).toEqual([]);
    } finally {
      sandbox.cleanup();
    }
  });

  it('leaves an existing cluster alone and converges the rest', () => {
    const sandbox = new Sandbox({ responses: { 'eksctl get cluster*': { status: 0 } } });
    try {
      const run = sandbox.run('eks-setup.sh');
      expect(run.status).toBe(0);
      expect(run.stderr).toContain('cluster iot-mesh already exists');
      expect(sandbox.calls()).toEqual([
        'aws sts get-caller-identity',
        'eksctl get cluster --name iot-mesh --region eu-west-1',
        'aws eks update-kubeconfig --name iot-mesh --region eu-west-1',
        'helm repo add autoscaler https://kubernetes.github.io/autoscaler --force-update',
        expect.stringMatching(
          /^helm upgrade --install cluster-autoscaler .* --set autoDiscovery.clusterName=iot-mesh /,
        ),
        'kubectl get nodes -o wide',
      ]);
    } finally {
      sandbox.cleanup();
    }
  });

  it('creates the cluster when eksctl does not find it', () => {
    const sandbox = new Sandbox({ responses: { 'eksctl get cluster*': { status: 1 } } });
    try {
      expect(sandbox.run('eks-setup.sh').status).toBe(0);
      expect(sandbox.calls()).toContain('eksctl create cluster -f setup-scripts/eks/cluster.yaml');
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('kind-setup.sh', () => {
  it('plans the cluster, then one image build and load per catalog service, in catalog order', () => {
    const sandbox = new Sandbox();
    try {
      const run = sandbox.run('kind-setup.sh', ['--dry-run', '--name', 'mesh-dev', '--tag', 'v7']);
      expect(run.status).toBe(0);
      expect(run.planned).toEqual([
        'kind create cluster --name mesh-dev --config setup-scripts/kind/cluster.yaml --wait 120s',
        ...services.flatMap((service) => [
          `docker build --build-arg SERVICE=${service} -t ghcr.io/iot-mesh/${service}:v7 .`,
          `kind load docker-image ghcr.io/iot-mesh/${service}:v7 --name mesh-dev`,
        ]),
        'kubectl cluster-info --context kind-mesh-dev',
      ]);
      // The look-up that decides whether to create runs even under --dry-run; nothing else does.
      expect(sandbox.calls()).toEqual(['kind get clusters']);
    } finally {
      sandbox.cleanup();
    }
  });

  it('reuses an existing cluster and builds only the services named', () => {
    const sandbox = new Sandbox({ responses: { 'kind get clusters': { stdout: 'other\niot-mesh\n' } } });
    try {
      const run = sandbox.run('kind-setup.sh', ['edge-gateway', 'notification']);
      expect(run.status).toBe(0);
      expect(sandbox.calls()).toEqual([
        'kind get clusters',
        'docker build --build-arg SERVICE=notification -t ghcr.io/iot-mesh/notification:dev .',
        'kind load docker-image ghcr.io/iot-mesh/notification:dev --name iot-mesh',
        'docker build --build-arg SERVICE=edge-gateway -t ghcr.io/iot-mesh/edge-gateway:dev .',
        'kind load docker-image ghcr.io/iot-mesh/edge-gateway:dev --name iot-mesh',
        'kubectl cluster-info --context kind-iot-mesh',
      ]);
    } finally {
      sandbox.cleanup();
    }
  });

  it('refuses an unknown service or a bad tag before touching anything', () => {
    const sandbox = new Sandbox();
    try {
      const unknown = sandbox.run('kind-setup.sh', ['device-registy']);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain("unknown service 'device-registy'");
      expect(sandbox.run('kind-setup.sh', ['--tag', 'no spaces']).status).toBe(2);
      expect(sandbox.calls()).toEqual([]);
    } finally {
      sandbox.cleanup();
    }
  });
});
