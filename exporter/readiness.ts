// What /-/ready answers: ready, or not with the reason an operator needs (served as the 503 body).
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };
