// Swagger UI over this API's own OpenAPI document; "Try it out" calls the same server.
window.ui = SwaggerUIBundle({
  url: new URL('openapi.json', document.baseURI).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null, // no calls to outside validators
  persistAuthorization: false, // the API key and token stay in memory
});
