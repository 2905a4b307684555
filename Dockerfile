# Placeholder: the production image is built in the "Ship it" issue.
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}
WORKDIR /app
COPY . .
RUN npm ci && npm run build
CMD ["node", "dist/apps/api/src/main.js"]
