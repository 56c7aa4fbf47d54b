import {
  Gateway,
  DestinationRule,
  Sidecar,
  VirtualService,
} from '@kubernetes-models/istio/networking.istio.io/v1';
import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1';
import { AuthorizationPolicy, PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1';
import { Telemetry } from '@kubernetes-models/istio/telemetry.istio.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { z } from 'zod';
import { describe, type K8sObject } from '../manifest.js';
import { istioOperatorSpec, serviceMonitorSpec } from './istio-install-specs.js';
import {
  destinationRuleSpec,
  gatewaySpec,
  sidecarSpec,
  virtualServiceSpec,
} from './istio-networking-specs.js';
import { authorizationPolicySpec, peerAuthenticationSpec, telemetrySpec } from './istio-security-specs.js';

type Model = new (data: never) => { validate(): void };

/** The upstream model per `apiVersion/kind`; anything else is reported as unknown rather than skipped. */
const upstreamModels: Record<string, Model | null> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.istio.io/v1/DestinationRule': DestinationRule,
  'networking.istio.io/v1/VirtualService': VirtualService,
  'networking.istio.io/v1/Sidecar': Sidecar,
  'networking.istio.io/v1/Gateway': Gateway,
  'security.istio.io/v1/AuthorizationPolicy': AuthorizationPolicy,
  'security.istio.io/v1/PeerAuthentication': PeerAuthentication,
  'telemetry.istio.io/v1/Telemetry': Telemetry,
  'install.istio.io/v1alpha1/IstioOperator': IstioOperator,
  // No model for the Prometheus Operator is installed; its strict spec below is the check.
  'monitoring.coreos.com/v1/ServiceMonitor': null,
};

/** Our strict spec descriptions: unknown (e.g. misspelt) fields are errors. */
const strictSpecs: Record<string, z.ZodType> = {
  'networking.istio.io/v1/DestinationRule': destinationRuleSpec,
  'networking.istio.io/v1/VirtualService': virtualServiceSpec,
  'networking.istio.io/v1/Sidecar': sidecarSpec,
  'networking.istio.io/v1/Gateway': gatewaySpec,
  'security.istio.io/v1/AuthorizationPolicy': authorizationPolicySpec,
  'security.istio.io/v1/PeerAuthentication': peerAuthenticationSpec,
  'telemetry.istio.io/v1/Telemetry': telemetrySpec,
  'install.istio.io/v1alpha1/IstioOperator': istioOperatorSpec,
  'monitoring.coreos.com/v1/ServiceMonitor': serviceMonitorSpec,
};

/** Problems with one object against the upstream Kubernetes/Istio schemas. */
export function upstreamProblems(object: K8sObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  if (!(key in upstreamModels)) return [`${describe(object)}: no schema known for ${key}`];
  const Model = upstreamModels[key];
  if (!Model) return [];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    return [`${describe(object)}: ${(error as Error).message}`];
  }
}

/** Problems with an Istio (or ServiceMonitor) spec against our strict description: unknown fields first. */
export function unknownFieldProblems(object: K8sObject): string[] {
  const schema = strictSpecs[`${object.apiVersion}/${object.kind}`];
  if (!schema) return [];
  const result = schema.safeParse(object.spec ?? {});
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const where = ['spec', ...issue.path.map(String)].join('.');
    return `${describe(object)}: ${where}: ${issue.message}`;
  });
}
