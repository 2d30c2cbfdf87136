'use strict';
require('./workload.js').defineTests('gamma');
