import { createApp } from 'vue'
// Components come on demand (vite.config.ts); the services called from scripts bring their styles here.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import App from './App.vue'

createApp(App).mount('#app')
