{{/* Namespace-wide STRICT mutual TLS, on top of the mesh-wide default in istio/. */}}

{{/*
PeerAuthentication `default` in the release namespace.
Usage: {{ include "mesh-service.peerauthentication.render" . }}
*/}}
{{- define "mesh-service.peerauthentication.render" -}}
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
spec:
  mtls:
    mode: STRICT
{{- end -}}
