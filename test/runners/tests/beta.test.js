'use strict';
require('./workload.js').defineTests('beta');
