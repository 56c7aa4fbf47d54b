{{/* Deny by default; allow each real caller (from services/catalog.json) only the exact methods it uses. */}}

{{/*
AuthorizationPolicy `<service>-deny-all`: an ALLOW policy without rules, so nothing is allowed unless
another policy allows it (stays in force even if the allow list ends up empty).
Usage: {{ include "mesh-service.authorizationpolicy.denyAll" . }}
*/}}
{{- define "mesh-service.authorizationpolicy.denyAll" -}}
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: {{ include "mesh-service.names.service" . }}-deny-all
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
spec: {}
{{- end -}}

{{/*
AuthorizationPolicy `<service>`: one rule per caller ServiceAccount with its gRPC paths
/<package>.<Service>/<Method> (and the gRPC health check for callers that report it, the edge gateway's
/status); the ingress gateway for the edge gateway (its public gRPC API and REST port); Prometheus on
the admin port.
Renders nothing when there is no one to allow.
Usage: {{ include "mesh-service.authorizationpolicy.allowCallers" . }}
*/}}
{{- define "mesh-service.authorizationpolicy.allowCallers" -}}
{{- $entry := include "mesh-service.names.catalogEntry" . | fromJson -}}
{{- $healthCheck := (include "mesh-service.catalog.services" . | fromJson).healthCheckPath -}}
{{- $gateway := and $entry.httpPort (dig "gateway" "enabled" false .Values.AsMap) -}}
{{- /* Nobody to allow: render nothing and leave the deny-all policy alone in force. */ -}}
{{- if or $entry.callers $gateway .Values.metrics.scraperPrincipals }}
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: {{ include "mesh-service.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
spec:
  selector:
    matchLabels:
      app: {{ include "mesh-service.names.service" . }}
  action: ALLOW
  rules:
    {{- range $caller := keys $entry.callers | sortAlpha }}
    - from:
        - source:
            principals: [{{ include "mesh-service.names.principal" $caller | quote }}]
      to:
        - operation:
            ports: [{{ $entry.grpcPort | quote }}]
            paths:
              {{- range $method := get $entry.callers $caller }}
              - {{ printf "/%s/%s" $entry.api $method | quote }}
              {{- end }}
              {{- if has $caller $entry.healthCheckers }}
              - {{ $healthCheck | quote }}
              {{- end }}
    {{- end }}
    {{- if $gateway }}
    # The ingress gateway forwards outside clients to the public gRPC API only (not server reflection or
    # Health/Watch, which every gRPC server also serves) and to any path of the REST port.
    - from:
        - source:
            principals: [{{ .Values.gateway.principal | quote }}]
      to:
        - operation:
            ports: [{{ $entry.grpcPort | quote }}]
            paths: [{{ printf "/%s/*" $entry.api | quote }}]
        - operation:
            ports: [{{ $entry.httpPort | quote }}]
    {{- end }}
    {{- with .Values.metrics.scraperPrincipals }}
    # Only for scrapes through the mesh (ServiceMonitor over mTLS); annotation scrapes use the agent port.
    - from:
        - source:
            principals: {{ toJson . }}
      to:
        - operation:
            ports: [{{ $entry.adminPort | quote }}]
            methods: ["GET"]
            paths: ["/metrics"]
    {{- end }}
{{- end }}
{{- end -}}
